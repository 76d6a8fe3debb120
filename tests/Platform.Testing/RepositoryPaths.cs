namespace Platform.Testing;

/// <summary>Where the repository and the shared data folder are, from wherever the tests run.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The shared data folder: PLATFORM_SHARED_DIR, or ../shared beside the checkout.</summary>
    public static string Shared { get; } = Environment.GetEnvironmentVariable("PLATFORM_SHARED_DIR") is { Length: > 0 } configured
        ? Path.GetFullPath(configured)
        : Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    public static string Gazetteer => Path.Combine(Shared, "gazetteer");

    public static string GoldDev => Path.Combine(Shared, "gold", "dev.jsonl");

    /// <summary>"Debug" or "Release": the configuration the tests were built with, so services match it.</summary>
    public static string BuildConfiguration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            ? "Release"
            : "Debug";

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Platform.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException($"No Platform.sln above {AppContext.BaseDirectory}.");
    }
}
