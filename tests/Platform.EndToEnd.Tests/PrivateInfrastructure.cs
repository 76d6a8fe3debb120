using System.Diagnostics;
using Platform.Testing;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// A PostgreSQL and a RabbitMQ of their own, started by deploy/local/infra.sh on free ports with a private data
/// directory, so a test can stop, kill and restart them without touching the instances every other test uses.
/// </summary>
public sealed class PrivateInfrastructure : IAsyncDisposable
{
    private readonly Dictionary<string, string> _environment;
    private readonly string _directory;

    public InfrastructureEndpoints Endpoints { get; private set; } = null!;

    private PrivateInfrastructure(string directory)
    {
        _directory = directory;
        _environment = new Dictionary<string, string>
        {
            ["PLATFORM_INFRA_DIR"] = directory,
            ["PLATFORM_PG_PORT"] = FreePort(),
            ["PLATFORM_RABBIT_PORT"] = FreePort(),
            ["PLATFORM_RABBIT_MGMT_PORT"] = FreePort(),
            ["PLATFORM_RABBIT_DIST_PORT"] = FreePort(),
            ["PLATFORM_EPMD_PORT"] = FreePort(),
            ["PLATFORM_RABBIT_PROM_PORT"] = FreePort(),
            ["PLATFORM_RABBIT_NODE"] = $"{Path.GetFileName(directory)}@localhost",
            // Small: the machine already runs the shared PostgreSQL.
            ["PLATFORM_PG_SHARED_BUFFERS"] = "128MB",
        };
    }

    public static async Task<PrivateInfrastructure> StartAsync()
    {
        var directory = Path.Combine(RepositoryPaths.Root, ".local", "private", "p" + Guid.NewGuid().ToString("N")[..8]);
        var infrastructure = new PrivateInfrastructure(directory);
        await infrastructure.StartAsync(component: null);
        // The settings exactly as a user gets them: eval "$(infra.sh env)".
        var settings = (await infrastructure.RunAsync("eval \"$(bash \"$0\" env)\"; printf '%s\\n' \"$PLATFORM_POSTGRES\" \"$PLATFORM_RABBITMQ\" \"$PLATFORM_RABBITMQ_MANAGEMENT\""))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        infrastructure.Endpoints = new InfrastructureEndpoints(settings[0], new Uri(settings[1]), new Uri(settings[2]));
        return infrastructure;
    }

    /// <summary>infra.sh start [postgres|rabbitmq]: returns when it accepts connections again.</summary>
    public Task StartAsync(string? component) => RunAsync($"bash \"$0\" start {component}");

    /// <summary>infra.sh stop [postgres|rabbitmq]: a clean shutdown (RabbitMQ on SIGTERM, PostgreSQL in fast mode).</summary>
    public Task StopAsync(string component) => RunAsync($"bash \"$0\" stop {component}");

    /// <summary>SIGKILL of the RabbitMQ node: no shutdown, whatever it had not written is gone.</summary>
    public async Task KillRabbitMqAsync()
    {
        var pid = int.Parse((await File.ReadAllTextAsync(Path.Combine(_directory, "rabbitmq", "rabbitmq.pid"))).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        using var node = Process.GetProcessById(pid);
        node.Kill();
        await node.WaitForExitAsync();
    }

    private async Task<string> RunAsync(string script)
    {
        var start = new ProcessStartInfo("bash", ["-c", script, Path.Combine(RepositoryPaths.Root, "deploy", "local", "infra.sh")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in _environment)
        {
            start.Environment[key] = value;
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"infra.sh ({script}) exited with {process.ExitCode}:\n{await errors}");
        }
        return await output;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunAsync("bash \"$0\" stop");
        }
        finally
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static string FreePort() => ServiceProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
}
