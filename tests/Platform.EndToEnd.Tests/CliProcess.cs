using System.Diagnostics;
using Platform.Testing;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// The built <c>platform</c> command line as a user runs it, against the given gRPC addresses, with a token for every
/// scope in PLATFORM_TOKEN (<see cref="RunWithTokenAsync"/> chooses another, or none with "").
/// </summary>
public static class CliProcess
{
    public static Task<(int ExitCode, string Output, string Errors)> RunAsync(Uri ingestionGrpc, Uri? queryGrpc, params string[] arguments) =>
        RunWithTokenAsync(TestSecurity.AllScopes, ingestionGrpc, queryGrpc, arguments);

    public static async Task<(int ExitCode, string Output, string Errors)> RunWithTokenAsync(string token, Uri ingestionGrpc, Uri? queryGrpc, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet",
            [Path.Combine(RepositoryPaths.Root, "services", "Cli", "Platform.Cli", "bin", RepositoryPaths.BuildConfiguration, "net10.0", "platform.dll"), .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["PLATFORM_INGESTION_GRPC"] = ingestionGrpc.ToString();
        start.Environment["PLATFORM_TOKEN"] = token;
        if (queryGrpc is not null)
        {
            start.Environment["PLATFORM_QUERY_GRPC"] = queryGrpc.ToString();
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await errors);
    }
}
