using JasperFx.Events.Projections;
using Marten;
using MassTransit;
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
            options.Events.MapEventType<IncidentReported>("incident_reported");
            options.Events.MapEventType<IncidentCorroborated>("incident_corroborated");
            options.Events.MapEventType<IncidentRevised>("incident_revised");
            options.Events.MapEventType<IncidentRetracted>("incident_retracted");
            options.Projections.Add<IncidentDetailsProjection>(ProjectionLifecycle.Inline);
            options.Schema.For<IncidentDetails>()
                .Index(x => x.EventType)
                .Index(x => x.DateStart)
                .Index(x => x.DateEnd);
        });

        builder.AddPlatformMessaging(ServiceName, bus =>
            bus.AddConsumer<IncidentsGeocodedConsumer, IncidentsGeocodedConsumerDefinition>());
        return builder;
    }

    public static WebApplication MapQuery(this WebApplication app)
    {
        app.MapGrpcService<IncidentQueryService>();
        return app;
    }
}
