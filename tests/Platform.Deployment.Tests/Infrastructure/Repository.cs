namespace Platform.Deployment.Tests.Infrastructure;

/// <summary>The repository checkout the tests run from: the nearest folder above the test binaries holding Platform.sln.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>Absolute path of a repository-relative path written with forward slashes.</summary>
    public static string PathOf(string relativePath) =>
        Path.GetFullPath(Path.Combine(Root, relativePath.Replace('/', Path.DirectorySeparatorChar)));

    /// <summary>Repository-relative path with forward slashes.</summary>
    public static string Relative(string absolutePath) =>
        Path.GetRelativePath(Root, absolutePath).Replace(Path.DirectorySeparatorChar, '/');

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Platform.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} contains Platform.sln.");
    }
}
