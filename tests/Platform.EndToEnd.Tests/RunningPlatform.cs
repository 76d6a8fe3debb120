using Grpc.Net.Client;
using Platform.Ingestion.V1;
using Platform.Query.V1;
using Platform.Testing;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// The four services as processes on a PostgreSQL schema prefix and a RabbitMQ vhost of their own; with several
/// instances per service, every instance of a service shares its schema and queues (scaled out), and all start at once.
/// </summary>
public class RunningPlatform : IAsyncLifetime
{
    private static readonly string[] ServiceNames = ["ingestion", "extraction", "geocoding", "query"];
    private readonly List<ServiceProcess> _services = [];
    private readonly List<GrpcChannel> _channels = [];
    private readonly int _instancesPerService;

    /// <summary>On the shared PostgreSQL and RabbitMQ (what xUnit builds as a class fixture).</summary>
    public RunningPlatform()
        : this((InfrastructureEndpoints?)null)
    {
    }

    /// <summary>
    /// On the given PostgreSQL and RabbitMQ (the chaos test's private pair; null: the shared one), with
    /// <paramref name="instancesPerService"/> processes of each service. Not public: xUnit wants one constructor.
    /// </summary>
    internal RunningPlatform(InfrastructureEndpoints? endpoints, int instancesPerService = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(instancesPerService, 1);
        Infrastructure = new IsolatedInfrastructure(endpoints);
        _instancesPerService = instancesPerService;
    }

    /// <summary>On the shared PostgreSQL and RabbitMQ, with <paramref name="settings"/> given to every service.</summary>
    protected RunningPlatform(IReadOnlyDictionary<string, string> settings)
        : this((InfrastructureEndpoints?)null) => _settings = settings;

    private readonly IReadOnlyDictionary<string, string> _settings = new Dictionary<string, string>();

    public IsolatedInfrastructure Infrastructure { get; }
    public ServiceProcess Ingestion => Instances("ingestion")[0];
    public ServiceProcess Extraction => Instances("extraction")[0];
    public ServiceProcess Geocoding => Instances("geocoding")[0];
    public ServiceProcess Query => Instances("query")[0];
    public IReadOnlyList<ServiceProcess> Services => _services;

    /// <summary>The running instances of one service ("ingestion", "extraction", "geocoding", "query"), first started first.</summary>
    public IReadOnlyList<ServiceProcess> Instances(string service)
    {
        var first = Array.IndexOf(ServiceNames, service) * _instancesPerService;
        return first < 0 ? throw new ArgumentOutOfRangeException(nameof(service), service, "not a Platform service")
            : _services.GetRange(first, _instancesPerService);
    }

    /// <summary>A client of the first Ingestion instance.</summary>
    public ArticleIngestion.ArticleIngestionClient IngestionClient => IngestionClients[0];

    /// <summary>A client of the first Query instance.</summary>
    public IncidentQuery.IncidentQueryClient QueryClient => QueryClients[0];

    /// <summary>One client per Ingestion instance, in instance order (each keeps its address across a restart).</summary>
    public IReadOnlyList<ArticleIngestion.ArticleIngestionClient> IngestionClients { get; private set; } = [];

    /// <summary>One client per Query instance, in instance order.</summary>
    public IReadOnlyList<IncidentQuery.IncidentQueryClient> QueryClients { get; private set; } = [];

    private Dictionary<string, string> _common = [];

    public async Task InitializeAsync()
    {
        await Infrastructure.InitializeAsync();
        var common = _common = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = Infrastructure.Postgres,
            ["ConnectionStrings__RabbitMq"] = Infrastructure.RabbitMq.ToString(),
        };
        foreach (var (key, value) in _settings)
        {
            common[key] = value;
        }
        var settings = new Dictionary<string, IReadOnlyDictionary<string, string>>
        {
            ["ingestion"] = new Dictionary<string, string>(common) { ["Marten__Schema"] = Infrastructure.NewSchema("ingestion") },
            ["extraction"] = common,
            ["geocoding"] = new Dictionary<string, string>(common) { ["Gazetteer__Directory"] = RepositoryPaths.Gazetteer },
            ["query"] = new Dictionary<string, string>(common) { ["Marten__Schema"] = Infrastructure.NewSchema("query") },
        };
        // Every process starts at once, all instances of a service on the same schema and queues: start-up races
        // (schema changes, index creation, queue declarations) happen here if they can happen at all.
        foreach (var service in ServiceNames)
        {
            for (var instance = 1; instance <= _instancesPerService; instance++)
            {
                _services.Add(ServiceProcess.Start(instance == 1 ? service : $"{service}-{instance}", ProjectOf(service), settings[service]));
            }
        }
        await Task.WhenAll(_services.Select(s => s.WaitUntilReadyAsync(TimeSpan.FromSeconds(_instancesPerService * 90))));

        IngestionClients = [.. Instances("ingestion").Select(s => new ArticleIngestion.ArticleIngestionClient(Channel(s)))];
        QueryClients = [.. Instances("query").Select(s => new IncidentQuery.IncidentQueryClient(Channel(s)))];
    }

    private static string ProjectOf(string service) => char.ToUpperInvariant(service[0]) + service[1..];

    /// <summary>
    /// Stops the Extraction service and starts it again with <paramref name="settings"/> added (a changed lexicon);
    /// its queue keeps the messages in between. Call again with none to go back to the built-in configuration.
    /// </summary>
    public async Task RestartExtractionAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        var index = _services.IndexOf(Extraction);
        await _services[index].DisposeAsync();
        var environment = new Dictionary<string, string>(_common);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }
        _services[index] = ServiceProcess.Start("extraction", "Extraction", environment);
        await _services[index].WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
    }

    /// <summary>SIGKILLs one service and starts it again on the same ports; returns once it is ready.</summary>
    public async Task KillAndStartAgainAsync(ServiceProcess service, TimeSpan readyWithin)
    {
        var index = _services.IndexOf(service);
        await service.KillAsync();
        await service.DisposeAsync();
        _services[index] = service.StartAgain();
        await _services[index].WaitUntilReadyAsync(readyWithin);
    }

    public GrpcChannel Channel(ServiceProcess service)
    {
        var channel = TestSecurity.Channel(service.GrpcAddress);
        _channels.Add(channel);
        return channel;
    }

    /// <summary>What every service wrote, for failure messages.</summary>
    public string Diagnostics() => string.Join("\n\n", _services.Select(s => $"== {s.Name} ==\n{s.Tail(25)}"));

    public async Task DisposeAsync()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
        foreach (var service in _services)
        {
            await service.DisposeAsync();
        }
        await Infrastructure.DisposeAsync();
    }
}
