namespace Platform.Deployment.Tests.Infrastructure;

/// <summary>deploy/docker/make-env.sh, run for real with bash.</summary>
internal static class MakeEnv
{
    public static string ScriptPath => Repository.PathOf("deploy/docker/make-env.sh");

    public static Task<ProcessResult> RunAsync(string target) => ProcessRunner.RunAsync("bash", [ScriptPath, target]);

    /// <summary>A fresh .env in a folder of its own (deleted with <see cref="GeneratedEnv.Dispose"/>).</summary>
    public static async Task<GeneratedEnv> GenerateAsync()
    {
        var folder = Directory.CreateTempSubdirectory("platform-make-env-");
        var path = Path.Combine(folder.FullName, ".env");
        var result = await RunAsync(path);
        result.ExitCode.ShouldBe(0, result.ToString());
        return new GeneratedEnv(folder.FullName, path, DotEnv.Load(path));
    }
}

internal sealed record GeneratedEnv(string Folder, string Path, IReadOnlyDictionary<string, string> Values) : IDisposable
{
    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
