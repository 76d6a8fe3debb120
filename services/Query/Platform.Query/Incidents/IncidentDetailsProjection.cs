using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Platform.Query.Incidents;

/// <summary>Builds <see cref="IncidentDetails"/> from an incident's stream, in the same transaction (inline).</summary>
public sealed class IncidentDetailsProjection : SingleStreamProjection<IncidentDetails, Guid>
{
    public static IncidentDetails Create(IEvent<IncidentReported> reported)
    {
        var e = reported.Data;
        return new IncidentDetails
        {
            Id = e.IncidentId,
            EventType = e.EventType,
            SubEventType = e.SubEventType,
            Actors = [.. e.Actors],
            Place = e.Place,
            DateStart = e.DateStart,
            DateEnd = e.DateEnd,
            Fatalities = e.Fatalities,
            Arrests = e.Arrests,
            Sources = [e.Source],
            ArticleIds = [e.Source.ArticleId],
            FirstReportedAt = reported.Timestamp,
            Version = reported.Version,
        };
    }
}
