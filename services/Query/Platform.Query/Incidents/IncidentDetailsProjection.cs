using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Platform.Query.Incidents;

/// <summary>
/// Builds <see cref="IncidentDetails"/> from an incident's stream, in the same transaction (inline). The ledger's
/// writer applies the same methods (<see cref="Applied"/>) to what it holds in memory while it decides a batch.
/// </summary>
public sealed class IncidentDetailsProjection : SingleStreamProjection<IncidentDetails, Guid>
{
    public static IncidentDetails Create(IEvent<IncidentReported> reported) => Started(reported.Data, reported.Timestamp, reported.Version);

    public static IncidentDetails Apply(IEvent<IncidentCorroborated> corroborated, IncidentDetails incident) =>
        Corroborated(corroborated.Data, incident, corroborated.Version);

    public static IncidentDetails Apply(IEvent<IncidentRevised> revised, IncidentDetails incident) => Revised(revised.Data, incident, revised.Version);

    public static IncidentDetails Apply(IEvent<IncidentRetracted> retracted, IncidentDetails incident) =>
        Retracted(retracted.Data, incident, retracted.Version);

    /// <summary>
    /// The incident after one more event of its stream (null before its first): what the projection will store once
    /// the event is appended at <paramref name="version"/>. Mutates and returns <paramref name="incident"/>.
    /// </summary>
    public static IncidentDetails Applied(IIncidentEvent @event, IncidentDetails? incident, long version, DateTimeOffset at) => (@event, incident) switch
    {
        (IncidentReported e, null) => Started(e, at, version),
        (IncidentCorroborated e, { } i) => Corroborated(e, i, version),
        (IncidentRevised e, { } i) => Revised(e, i, version),
        (IncidentRetracted e, { } i) => Retracted(e, i, version),
        _ => throw new InvalidOperationException($"{@event.GetType().Name} cannot follow {(incident is null ? "nothing" : "an existing incident")}."),
    };

    private static IncidentDetails Started(IncidentReported e, DateTimeOffset at, long version)
    {
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
            FirstReportedAt = at,
            Version = version,
        }.Indexed();
    }

    private static IncidentDetails Corroborated(IncidentCorroborated e, IncidentDetails incident, long version)
    {
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
        incident.Version = version;
        return incident.Indexed();
    }

    private static IncidentDetails Revised(IncidentRevised e, IncidentDetails incident, long version)
    {
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
        incident.Version = version;
        return incident.Indexed();
    }

    private static IncidentDetails Retracted(IncidentRetracted e, IncidentDetails incident, long version)
    {
        incident.Sources.RemoveAll(s => s.ArticleId == e.ArticleId && s.Ordinal == e.Ordinal);
        if (incident.Sources.TrueForAll(s => s.ArticleId != e.ArticleId))
        {
            incident.ArticleIds.Remove(e.ArticleId);
        }
        incident.Retracted = incident.Sources.Count == 0;
        incident.Version = version;
        return incident.Indexed();
    }

    private static int? Max(int? a, int? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);
}
