using JasperFx.Events.Projections;
using Marten;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Query.Incidents;
using Platform.ServiceDefaults;

namespace Platform.Query;

public static class QueryExtensions
{
    public const string ServiceName = "query";

    public static IHostApplicationBuilder AddQuery(this IHostApplicationBuilder builder)
    {
        builder.AddPlatformMarten(ServiceName, options =>
        {
            options.Events.IgnoreIndex(IncidentSearch.EventsTimestampIndex);
            options.Events.MapEventType<IncidentReported>("incident_reported");
            options.Events.MapEventType<IncidentCorroborated>("incident_corroborated");
            options.Events.MapEventType<IncidentRevised>("incident_revised");
            options.Events.MapEventType<IncidentRetracted>("incident_retracted");
            options.Projections.Add<IncidentDetailsProjection>(ProjectionLifecycle.Inline);
            // Search filters on real, indexed columns rather than JSON paths.
            options.Schema.For<IncidentDetails>()
                .Duplicate(x => x.EventType)
                .Duplicate(x => x.DateStart)
                .Duplicate(x => x.DateEnd)
                .Duplicate(x => x.Latitude!)
                .Duplicate(x => x.Longitude!)
                .Duplicate(x => x.Retracted)
                // Covering indexes on an expression, created by ReadModelSchema rather than Marten.
                .IgnoreIndex(IncidentSearch.WhereWhenIndex)
                .IgnoreIndex(IncidentSearch.WhenIndex);
        });
        builder.Services.AddHostedService<ReadModelSchema>();
        builder.Services.AddOptions<QueryOptions>().BindConfiguration(QueryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<LedgerOptions>().BindConfiguration(LedgerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<LedgerWriter>();
        builder.Services.AddSingleton<LedgerMetrics>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHostedService(provider => provider.GetRequiredService<LedgerWriter>());

        builder.AddPlatformMessaging(ServiceName, bus =>
            bus.AddConsumer<IncidentsGeocodedConsumer, IncidentsGeocodedConsumerDefinition>());
        builder.AddApiSecurity();
        return builder;
    }

    public static WebApplication MapQuery(this WebApplication app)
    {
        app.MapGrpcService<IncidentQueryService>();
        return app;
    }
}
