using Grpc.Net.Client;
using Platform.Ingestion.V1;
using Platform.Query.V1;
using Platform.Testing;

namespace Platform.EndToEnd.Tests;

/// <summary>The four services as processes on a PostgreSQL schema prefix and a RabbitMQ vhost of their own.</summary>
public class RunningPlatform : IAsyncLifetime
{
    private readonly List<ServiceProcess> _services = [];
    private readonly List<GrpcChannel> _channels = [];

    /// <summary>On the shared PostgreSQL and RabbitMQ (what xUnit builds as a class fixture).</summary>
    public RunningPlatform()
        : this((InfrastructureEndpoints?)null)
    {
    }

    /// <summary>On the given PostgreSQL and RabbitMQ (the chaos test's private pair). Not public: xUnit wants one constructor.</summary>
    internal RunningPlatform(InfrastructureEndpoints? endpoints) => Infrastructure = new IsolatedInfrastructure(endpoints);

    /// <summary>On the shared PostgreSQL and RabbitMQ, with <paramref name="settings"/> given to every service.</summary>
    protected RunningPlatform(IReadOnlyDictionary<string, string> settings)
        : this((InfrastructureEndpoints?)null) => _settings = settings;

    private readonly IReadOnlyDictionary<string, string> _settings = new Dictionary<string, string>();

    public IsolatedInfrastructure Infrastructure { get; }
    public ServiceProcess Ingestion => _services[0];
    public ServiceProcess Extraction => _services[1];
    public ServiceProcess Geocoding => _services[2];
    public ServiceProcess Query => _services[3];
    public IReadOnlyList<ServiceProcess> Services => _services;

    public ArticleIngestion.ArticleIngestionClient IngestionClient { get; private set; } = null!;
    public IncidentQuery.IncidentQueryClient QueryClient { get; private set; } = null!;

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
        _services.Add(ServiceProcess.Start("ingestion", "Ingestion", new Dictionary<string, string>(common)
        {
            ["Marten__Schema"] = Infrastructure.NewSchema("ingestion"),
        }));
        _services.Add(ServiceProcess.Start("extraction", "Extraction", common));
        _services.Add(ServiceProcess.Start("geocoding", "Geocoding", new Dictionary<string, string>(common)
        {
            ["Gazetteer__Directory"] = RepositoryPaths.Gazetteer,
        }));
        _services.Add(ServiceProcess.Start("query", "Query", new Dictionary<string, string>(common)
        {
            ["Marten__Schema"] = Infrastructure.NewSchema("query"),
        }));
        await Task.WhenAll(_services.Select(s => s.WaitUntilReadyAsync(TimeSpan.FromSeconds(90))));

        IngestionClient = new ArticleIngestion.ArticleIngestionClient(Channel(Ingestion));
        QueryClient = new IncidentQuery.IncidentQueryClient(Channel(Query));
    }

    /// <summary>
    /// Stops the Extraction service and starts it again with <paramref name="settings"/> added (a changed lexicon);
    /// its queue keeps the messages in between. Call again with none to go back to the built-in configuration.
    /// </summary>
    public async Task RestartExtractionAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        await _services[1].DisposeAsync();
        var environment = new Dictionary<string, string>(_common);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }
        _services[1] = ServiceProcess.Start("extraction", "Extraction", environment);
        await _services[1].WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
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
