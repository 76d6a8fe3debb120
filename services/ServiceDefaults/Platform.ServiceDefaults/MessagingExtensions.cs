using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Platform.ServiceDefaults;

/// <summary>RabbitMQ through MassTransit, configured the same way in every service.</summary>
public static class MessagingExtensions
{
    public const string ConnectionStringName = "RabbitMq";

    /// <summary>
    /// Registers MassTransit on RabbitMQ (connection string <c>ConnectionStrings:RabbitMq</c>, an amqp:// URI
    /// whose path is the virtual host). Receive endpoints are named "&lt;service&gt;-&lt;message&gt;" in kebab case,
    /// so every service has its own queues and its own "_error" queue.
    /// </summary>
    public static IHostApplicationBuilder AddPlatformMessaging(
        this IHostApplicationBuilder builder,
        string serviceName,
        Action<IBusRegistrationConfigurator> configureConsumers)
    {
        builder.Services.AddOptions<MessagingOptions>()
            .BindConfiguration(MessagingOptions.Section)
            .Configure<IConfiguration>((options, configuration) => options.RabbitMq = configuration.GetConnectionString(ConnectionStringName) ?? "")
            .ValidateDataAnnotations()
            .Validate(options => Uri.TryCreate(options.RabbitMq, UriKind.Absolute, out var uri) && uri.Scheme is "amqp" or "amqps",
                $"ConnectionStrings:{ConnectionStringName} must be an amqp:// or amqps:// URI (environment variable ConnectionStrings__{ConnectionStringName})")
            .ValidateOnStart();
        // Ready only while the broker answers. MassTransit's own check watches receive endpoints only, so a service that
        // just publishes (Ingestion's outbox) would stay ready through a broker outage: this one opens a channel on a
        // connection of its own (recovered automatically after an outage) each time it is asked.
        builder.Services.AddServiceMeter(serviceName);
        builder.Services.AddSingleton<BrokerProbeConnection>();
        builder.Services.AddHealthChecks().AddRabbitMQ(
            provider => provider.GetRequiredService<BrokerProbeConnection>().GetAsync(),
            name: "rabbitmq", tags: [ServiceDefaultsExtensions.ReadyTag], timeout: TimeSpan.FromSeconds(3));
        builder.Services.AddMassTransit(bus =>
        {
            bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(serviceName, includeNamespace: false));
            configureConsumers(bus);
            // Quorum queues are replicated across the nodes of a RabbitMQ cluster, so a queue survives the loss of a node.
            // A queue's type is fixed when it is declared: switching needs new queues (a fresh virtual host).
            bus.AddRabbitMqConfigureEndpointsCallback((context, _, endpoint) =>
            {
                if (context.GetRequiredService<Microsoft.Extensions.Options.IOptions<MessagingOptions>>().Value.QuorumQueues)
                {
                    endpoint.SetQuorumQueue();
                }
            });
            bus.UsingRabbitMq((context, rabbit) =>
            {
                var options = context.GetRequiredService<Microsoft.Extensions.Options.IOptions<MessagingOptions>>().Value;
                rabbit.Host(new Uri(options.RabbitMq), host => host.ConnectionName(serviceName));
                // Every endpoint: messages held from the broker ahead of work, and messages worked on at once.
                rabbit.PrefetchCount = options.PrefetchCount;
                rabbit.ConcurrentMessageLimit = options.ConcurrentMessageLimit;
                rabbit.ConfigureEndpoints(context);
            });
        });
        return builder;
    }

    /// <summary>
    /// The endpoint policy every consumer shares: a few quick retries for transient faults (a database
    /// fail-over, a broker hiccup), then the error queue with the exception as the reason. Messages that can
    /// never succeed (<see cref="PermanentMessageException"/>) skip the retries. Every message moved there is counted
    /// (<see cref="ErrorQueueCounter"/>).
    /// </summary>
    public static void UsePlatformRetryPolicy(this IReceiveEndpointConfigurator endpoint, IRegistrationContext context)
    {
        var counter = new ErrorQueueCounter(context.GetRequiredService<ServiceMeter>(), endpoint.InputAddress.AbsolutePath.Split('/')[^1]);
        // Configuring the error pipe replaces MassTransit's default one: its two filters (publish the fault, move the
        // message to the error queue) come first, as by default, and the counter after them.
        endpoint.ConfigureError(error =>
        {
            error.UseFilter(new MassTransit.Middleware.GenerateFaultFilter());
            error.UseFilter(new MassTransit.Middleware.ErrorTransportFilter());
            error.UseFilter(counter);
        });
        endpoint.UseMessageRetry(retry =>
        {
            retry.Ignore<PermanentMessageException>();
            retry.Intervals(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
        });
        endpoint.UseInMemoryOutbox(context);
    }
}

public static class ServiceMeterExtensions
{
    /// <summary>Registers the service's <see cref="ServiceMeter"/> (once, whoever asks first).</summary>
    public static IServiceCollection AddServiceMeter(this IServiceCollection services, string serviceName)
    {
        services.AddMetrics();
        services.TryAddSingleton(provider => new ServiceMeter(provider.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), serviceName));
        return services;
    }
}

/// <summary>Where the broker is: <c>ConnectionStrings:RabbitMq</c>, an amqp:// URI whose path is the virtual host.</summary>
public sealed class MessagingOptions
{
    public const string Section = "Messaging";

    public string RabbitMq { get; set; } = "";

    /// <summary>Messages each endpoint holds from the broker ahead of its work (<c>Messaging:PrefetchCount</c>).</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 10_000)]
    public int PrefetchCount { get; set; } = 64;

    /// <summary>
    /// Messages each endpoint works on at once (<c>Messaging:ConcurrentMessageLimit</c>): enough to keep both cores busy
    /// while some wait on the broker's confirms or the database.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(1, 1_000)]
    public int ConcurrentMessageLimit { get; set; } = 16;

    /// <summary>
    /// Declares every receive endpoint's queue as a quorum queue (<c>Messaging:QuorumQueues</c>), for a broker cluster.
    /// Off by default: a single node gains nothing, and a queue that exists already cannot change its type.
    /// </summary>
    public bool QuorumQueues { get; set; }
}

/// <summary>A message that no retry can fix (it breaks a contract rule); it goes straight to the error queue.</summary>
public sealed class PermanentMessageException(string message) : Exception(message);

/// <summary>The readiness check's own broker connection: opened on first use, and again after a failed attempt.</summary>
public sealed class BrokerProbeConnection(Microsoft.Extensions.Options.IOptions<MessagingOptions> options) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private RabbitMQ.Client.IConnection? _connection;

    public async Task<RabbitMQ.Client.IConnection> GetAsync()
    {
        if (_connection is { } open)
        {
            return open;
        }
        await _gate.WaitAsync();
        try
        {
            return _connection ??= await new RabbitMQ.Client.ConnectionFactory
            {
                Uri = new Uri(options.Value.RabbitMq),
                ClientProvidedName = "readiness-probe",
                AutomaticRecoveryEnabled = true,
                // The default 5 s left a service unready for up to 5 s after the broker came back (chaos test).
                NetworkRecoveryInterval = TimeSpan.FromSeconds(1),
                RequestedConnectionTimeout = TimeSpan.FromSeconds(3),
            }.CreateConnectionAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is { } connection)
        {
            await connection.DisposeAsync();
        }
        _gate.Dispose();
    }
}
