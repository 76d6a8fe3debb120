using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Platform.Testing;

namespace Platform.EndToEnd.Tests;

/// <summary>One Platform service running as its own process, on ports of its own, with its output kept.</summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly string _project;
    private readonly IReadOnlyDictionary<string, string> _environment;

    public string Name { get; }
    public int HttpPort { get; }
    public int GrpcPort { get; }
    public int ManagementPort { get; }
    public Uri HttpAddress => new($"http://127.0.0.1:{HttpPort}");
    public Uri GrpcAddress => new($"http://127.0.0.1:{GrpcPort}");

    /// <summary>Health (and metrics): no credentials, a port of its own.</summary>
    public Uri ManagementAddress => new($"http://127.0.0.1:{ManagementPort}");

    /// <summary>A client of the HTTP API that sends <paramref name="token"/> (a token for every scope by default; "" for none).</summary>
    public HttpClient HttpApi(string? token = null, TimeSpan? timeout = null)
    {
        var client = new HttpClient { BaseAddress = HttpAddress, Timeout = timeout ?? TimeSpan.FromSeconds(100) };
        token ??= TestSecurity.AllScopes;
        if (token.Length > 0)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }
        return client;
    }

    /// <summary>Everything the process wrote so far, one entry per line.</summary>
    public IReadOnlyCollection<string> Output => _output;

    public bool HasExited => _process.HasExited;

    private ServiceProcess(string name, string project, IReadOnlyDictionary<string, string> environment, (int Http, int Grpc, int Management)? ports = null)
    {
        Name = name;
        _project = project;
        _environment = environment;
        (HttpPort, GrpcPort, ManagementPort) = ports ?? (FreePort(), FreePort(), FreePort());
        var folder = Path.Combine(RepositoryPaths.Root, "services", project, $"Platform.{project}", "bin", RepositoryPaths.BuildConfiguration, "net10.0");
        var assembly = Path.Combine(folder, $"Platform.{project}.dll");
        if (!File.Exists(assembly))
        {
            throw new InvalidOperationException($"{assembly} is not built.");
        }
        var start = new ProcessStartInfo("dotnet", [assembly])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["Kestrel__Endpoints__Http__Url"] = HttpAddress.ToString();
        start.Environment["Kestrel__Endpoints__Grpc__Url"] = GrpcAddress.ToString();
        start.Environment["Kestrel__Endpoints__Management__Url"] = ManagementAddress.ToString();
        start.Environment[TestSecurity.ServiceSetting.Key] = TestSecurity.ServiceSetting.Value;
        // Instances of one service share its service name; the process name tells them apart.
        start.Environment["OTEL_SERVICE_NAME"] = project.ToLowerInvariant();
        start.Environment["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={name}";
        // JSON logs with scopes carry the trace id of every line: the tests follow one article by it. The UTC
        // timestamp orders lines of different processes (who published when).
        start.Environment["Logging__Console__FormatterName"] = "json";
        start.Environment["Logging__Console__FormatterOptions__IncludeScopes"] = "true";
        start.Environment["Logging__Console__FormatterOptions__TimestampFormat"] = "yyyy-MM-ddTHH:mm:ss.fffZ";
        start.Environment["Logging__Console__FormatterOptions__UseUtcTimestamp"] = "true";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }

    public static ServiceProcess Start(string name, string project, IReadOnlyDictionary<string, string> environment) =>
        new(name, project, environment);

    /// <summary>SIGKILL: no shutdown hooks, no draining, no acknowledgements; what a power cut or the OOM killer does.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>The same service started again on the same ports and settings (clients keep their addresses).</summary>
    public ServiceProcess StartAgain() => new(Name, _project, _environment, (HttpPort, GrpcPort, ManagementPort));

    /// <summary>The Ingestion service alone, on the given PostgreSQL, RabbitMQ and Marten schema, with any other settings.</summary>
    public static ServiceProcess StartIngestion(string postgres, Uri rabbitMq, string schema, IReadOnlyDictionary<string, string>? settings = null) =>
        Start("ingestion", "Ingestion", new Dictionary<string, string>(settings ?? new Dictionary<string, string>())
        {
            ["ConnectionStrings__Postgres"] = postgres,
            ["ConnectionStrings__RabbitMq"] = rabbitMq.ToString(),
            ["Marten__Schema"] = schema,
        });

    /// <summary>Waits for /health/ready; fails with the service's output when it does not come up.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode}:\n{Tail()}");
            }
            try
            {
                var response = await client.GetAsync(new Uri(ManagementAddress, "/health/ready"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"{Name} was not ready within {timeout}:\n{Tail()}");
    }

    public string Tail(int lines = 40) => string.Join('\n', _output.TakeLast(lines));

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
