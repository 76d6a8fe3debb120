using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Platform.Deployment.Tests.Infrastructure;

/// <summary>
/// A RabbitMQ node of its own on loopback (the rabbitmq-server the local infrastructure uses, 3.10 like the compose image),
/// started fresh with a given configuration file for conf.d and definitions file, with a private epmd and free ports.
/// Stopped and deleted when disposed.
/// </summary>
internal sealed class ThrowawayRabbitMqNode : IAsyncDisposable
{
    private const string Bin = "/usr/lib/rabbitmq/bin";

    private readonly DirectoryInfo _folder;
    private readonly Dictionary<string, string?> _environment;
    private Process? _epmd;
    private Process? _server;

    private ThrowawayRabbitMqNode(DirectoryInfo folder)
    {
        _folder = folder;
        NodeName = $"compose-test-{Guid.NewGuid().ToString("N")[..8]}@localhost";
        AmqpPort = FreePort();
        var home = Path.Combine(folder.FullName, "home");
        _environment = new(StringComparer.Ordinal)
        {
            ["HOME"] = home,
            ["LC_ALL"] = "C.UTF-8",
            ["RABBITMQ_NODENAME"] = NodeName,
            ["RABBITMQ_NODE_PORT"] = AmqpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RABBITMQ_DIST_PORT"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ERL_EPMD_PORT"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
            // Only the epmd started here: neither the node nor the CLI may start one of their own (it would outlive the test).
            ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-start_epmd false -kernel inet_dist_use_interface {127,0,0,1}",
            ["RABBITMQ_CTL_ERL_ARGS"] = "-start_epmd false -kernel inet_dist_use_interface {127,0,0,1}",
            ["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(folder.FullName, "rabbitmq-env.conf"),
            ["RABBITMQ_CONFIG_FILE"] = Path.Combine(folder.FullName, "rabbitmq.conf"),
            ["RABBITMQ_CONFIG_FILES"] = Path.Combine(folder.FullName, "conf.d"),
            ["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(folder.FullName, "advanced.config"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(folder.FullName, "enabled_plugins"),
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(folder.FullName, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = LogFolder,
            ["RABBITMQ_PID_FILE"] = Path.Combine(folder.FullName, "rabbitmq.pid"),
            ["ERL_CRASH_DUMP"] = Path.Combine(folder.FullName, "erl_crash.dump"),
        };
    }

    public string NodeName { get; }

    public int AmqpPort { get; }

    public string LogFolder => Path.Combine(_folder.FullName, "log");

    /// <summary>
    /// Starts a node whose conf.d holds <paramref name="configuration"/>, in which the path compose mounts the definitions at
    /// (<paramref name="definitionsPath"/>) is replaced by this node's copy of <paramref name="definitions"/>.
    /// </summary>
    public static async Task<ThrowawayRabbitMqNode> StartAsync(string configuration, string definitionsPath, string definitions)
    {
        File.Exists(Path.Combine(Bin, "rabbitmq-server")).ShouldBeTrue($"these tests run the local rabbitmq-server from {Bin} (deploy/local/infra.sh install)");
        var node = new ThrowawayRabbitMqNode(Directory.CreateTempSubdirectory("platform-rabbitmq-"));
        try
        {
            await node.BootAsync(configuration, definitionsPath, definitions);
            return node;
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    public Task<ProcessResult> ControlAsync(params string[] arguments) =>
        ProcessRunner.RunAsync(Path.Combine(Bin, "rabbitmqctl"), ["-n", NodeName, .. arguments], _environment, timeout: TimeSpan.FromSeconds(90));

    public async ValueTask DisposeAsync()
    {
        if (_server is { HasExited: false })
        {
            await ControlAsync("stop");
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _server.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _server.Kill(entireProcessTree: true);
            }
        }

        if (_epmd is { HasExited: false })
        {
            _epmd.Kill();
            await _epmd.WaitForExitAsync();
        }

        _server?.Dispose();
        _epmd?.Dispose();
        _folder.Delete(recursive: true);
    }

    private async Task BootAsync(string configuration, string definitionsPath, string definitions)
    {
        var root = _folder.FullName;
        foreach (var folder in new[] { "home", "conf.d", "mnesia", "log" })
        {
            Directory.CreateDirectory(Path.Combine(root, folder));
        }

        var definitionsCopy = Path.Combine(root, "definitions.json");
        await File.WriteAllTextAsync(definitionsCopy, definitions);
        await File.WriteAllTextAsync(Path.Combine(root, "conf.d", "20-platform.conf"), configuration.Replace(definitionsPath, definitionsCopy, StringComparison.Ordinal));
        await File.WriteAllTextAsync(Path.Combine(root, "rabbitmq.conf"), $"listeners.tcp.default = 127.0.0.1:{AmqpPort}\n");
        await File.WriteAllTextAsync(Path.Combine(root, "enabled_plugins"), "[].\n");
        await File.WriteAllTextAsync(Path.Combine(root, "rabbitmq-env.conf"), "");
        var cookie = Path.Combine(root, "home", ".erlang.cookie");
        await File.WriteAllTextAsync(cookie, Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20)));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(cookie, UnixFileMode.UserRead);
        }

        // In the foreground, so that this process owns it and can end exactly it.
        _epmd = Start("epmd", "-port", _environment["ERL_EPMD_PORT"]!);
        await WaitUntilListeningAsync(int.Parse(_environment["ERL_EPMD_PORT"]!, System.Globalization.CultureInfo.InvariantCulture));
        _server = Start(Path.Combine(Bin, "rabbitmq-server"));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (true)
        {
            var started = await ControlAsync("await_startup", "--timeout", "10");
            if (started.ExitCode == 0)
            {
                return;
            }

            if (_server.HasExited || DateTime.UtcNow > deadline)
            {
                var log = Directory.EnumerateFiles(LogFolder, "*.log").Select(File.ReadAllText).FirstOrDefault() ?? "";
                throw new InvalidOperationException($"the throwaway RabbitMQ node did not start: {started}\n{log}");
            }

            await Task.Delay(500);
        }
    }

    private Process Start(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in _environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task WaitUntilListeningAsync(int port)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (attempt < 100 && _epmd is { HasExited: false })
            {
                await Task.Delay(100);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
