using JasperFx;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Platform.ServiceDefaults;

/// <summary>Marten on PostgreSQL, configured the same way by every service that owns event streams.</summary>
public static class StorageExtensions
{
    /// <summary>
    /// Registers Marten on <c>ConnectionStrings:Postgres</c> in the schema <c>Marten:Schema</c> (default: the
    /// service's name), creating or updating its tables at start-up, with event headers on (they carry the trace
    /// context from a request to whatever later reads the event).
    /// </summary>
    public static MartenServiceCollectionExtensions.MartenConfigurationExpression AddPlatformMarten(
        this IHostApplicationBuilder builder, string serviceName, Action<StoreOptions> configure)
    {
        builder.Services.AddOptions<StorageOptions>()
            .Configure<IConfiguration>((options, configuration) =>
            {
                options.Postgres = configuration.GetConnectionString("Postgres") ?? "";
                options.Schema = configuration["Marten:Schema"] is { Length: > 0 } schema ? schema : serviceName;
            })
            .Validate(options => options.Postgres.Length > 0,
                "The setting 'ConnectionStrings:Postgres' is required (environment variable 'ConnectionStrings__Postgres').")
            .ValidateOnStart();
        // Ready only while PostgreSQL answers: a load balancer or orchestrator stops sending requests during an outage.
        builder.Services.AddHealthChecks().AddNpgSql(
            provider => provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<StorageOptions>>().Value.Postgres,
            name: "postgresql", failureStatus: Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy,
            tags: [ServiceDefaultsExtensions.ReadyTag], timeout: TimeSpan.FromSeconds(3));
        return builder.Services.AddMarten(provider =>
            {
                var storage = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<StorageOptions>>().Value;
                var options = new StoreOptions();
                options.Connection(storage.Postgres);
                options.DatabaseSchemaName = storage.Schema;
                options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
                options.Events.MetadataConfig.HeadersEnabled = true;
                options.OpenTelemetry.TrackConnections = JasperFx.OpenTelemetry.TrackLevel.Normal;
                configure(options);
                return options;
            })
            .UseLightweightSessions()
            .ApplyAllDatabaseChangesOnStartup();
    }
}

/// <summary>Where a service keeps its event streams: <c>ConnectionStrings:Postgres</c> and the schema <c>Marten:Schema</c>.</summary>
public sealed class StorageOptions
{
    public string Postgres { get; set; } = "";

    /// <summary>The service's own schema (default: the service's name).</summary>
    public string Schema { get; set; } = "";
}
