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
        }.Indexed();
    }

    public static IncidentDetails Apply(IEvent<IncidentCorroborated> corroborated, IncidentDetails incident)
    {
        var e = corroborated.Data;
        incident.Sources.Add(e.Source);
        if (!incident.ArticleIds.Contains(e.Source.ArticleId))
        {
            incident.ArticleIds.Add(e.Source.ArticleId);
        }
        foreach (var actor in e.Actors.Where(a => incident.Actors.TrueForAll(existing => existing.ActorId != a.ActorId)))
        {
            incident.Actors.Add(actor);
        }
        incident.Fatalities = Max(incident.Fatalities, e.Fatalities);
        incident.Arrests = Max(incident.Arrests, e.Arrests);
        incident.Version = corroborated.Version;
        return incident.Indexed();
    }

    public static IncidentDetails Apply(IEvent<IncidentRevised> revised, IncidentDetails incident)
    {
        var e = revised.Data;
        incident.Sources.RemoveAll(s => s.ArticleId == e.Source.ArticleId && s.Ordinal == e.Source.Ordinal);
        incident.Sources.Add(e.Source);
        incident.EventType = e.EventType;
        incident.SubEventType = e.SubEventType;
        incident.Actors = [.. e.Actors];
        incident.Place = e.Place;
        incident.DateStart = e.DateStart;
        incident.DateEnd = e.DateEnd;
        incident.Fatalities = e.Fatalities;
        incident.Arrests = e.Arrests;
        incident.Version = revised.Version;
        return incident.Indexed();
    }

    public static IncidentDetails Apply(IEvent<IncidentRetracted> retracted, IncidentDetails incident)
    {
        var e = retracted.Data;
        incident.Sources.RemoveAll(s => s.ArticleId == e.ArticleId && s.Ordinal == e.Ordinal);
        if (incident.Sources.TrueForAll(s => s.ArticleId != e.ArticleId))
        {
            incident.ArticleIds.Remove(e.ArticleId);
        }
        incident.Retracted = incident.Sources.Count == 0;
        incident.Version = retracted.Version;
        return incident.Indexed();
    }

    private static int? Max(int? a, int? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);
}
