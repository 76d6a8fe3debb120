using JasperFx;
using Marten;
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
        var connectionString = builder.Configuration.GetRequired("ConnectionStrings:Postgres");
        var schema = builder.Configuration["Marten:Schema"] ?? serviceName;
        return builder.Services.AddMarten(options =>
            {
                options.Connection(connectionString);
                options.DatabaseSchemaName = schema;
                options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
                options.Events.MetadataConfig.HeadersEnabled = true;
                options.OpenTelemetry.TrackConnections = JasperFx.OpenTelemetry.TrackLevel.Normal;
                configure(options);
            })
            .UseLightweightSessions()
            .ApplyAllDatabaseChangesOnStartup();
    }
}
