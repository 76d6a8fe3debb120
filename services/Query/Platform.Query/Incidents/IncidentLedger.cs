namespace Platform.Query.Incidents;

/// <summary>One article's report of one incident, as the ledger receives it.</summary>
public sealed record IncidentReport(
    string EventType,
    string SubEventType,
    IReadOnlyList<IncidentActor> Actors,
    IncidentPlace? Place,
    DateOnly DateStart,
    DateOnly DateEnd,
    int? Fatalities,
    int? Arrests,
    IncidentSource Source);

/// <summary>What the ledger decided: start a new incident stream, or append to an existing one.</summary>
public sealed record LedgerDecision(Guid IncidentId, bool StartsStream, object Event);

/// <summary>
/// The ledger's decisions, pure: no database, time or randomness. A report corroborates an incident on record when
/// both have the same event type, places within <see cref="CorroborationRadiusKm"/> (or the same GeoNames id), date
/// ranges that overlap or touch (one day apart at most: "yesterday" in one time zone is "today" in another), and
/// compatible actors (they share an armed actor, or one side names none), and the incident does not already hold a
/// report from the same article. The rule reads ids, coordinates and dates only, so an Arabic and an English report
/// of one raid meet on the same incident.
/// </summary>
public static class IncidentLedger
{
    public const double CorroborationRadiusKm = 10;

    /// <summary>
    /// The longest date range an incident may span (the extractor's widest is a month); a longer report keeps its
    /// last <see cref="MaxIncidentDays"/> days. Search relies on the bound.
    /// </summary>
    public const int MaxIncidentDays = 62;

    private static readonly HashSet<string> NonCombatants = new(StringComparer.Ordinal) { "civilians", "protesters", "unidentified" };

    /// <param name="candidates">Incidents on record near the report in place and time (the caller's coarse filter).</param>
    /// <param name="newIncidentId">The id of the incident the report would start (derived from article and ordinal).</param>
    public static LedgerDecision Decide(IncidentReport report, IReadOnlyList<IncidentDetails> candidates, Guid newIncidentId)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(candidates);
        var best = candidates
            .Where(candidate => Corroborates(candidate, report))
            .OrderBy(candidate => DistanceKm(candidate.Place!, report.Place!))
            .ThenBy(candidate => candidate.FirstReportedAt)
            .ThenBy(candidate => candidate.Id)
            .FirstOrDefault();
        if (best is not null)
        {
            return new LedgerDecision(best.Id, StartsStream: false,
                new IncidentCorroborated(best.Id, report.Actors, report.Fatalities, report.Arrests, report.Source));
        }
        return new LedgerDecision(newIncidentId, StartsStream: true, new IncidentReported(
            newIncidentId, report.EventType, report.SubEventType, report.Actors, report.Place, report.DateStart, report.DateEnd,
            report.Fatalities, report.Arrests, report.Source));
    }

    /// <summary>
    /// A report from an article already on record with another extractor version: a newer version revises the
    /// incident (when a field changed) or leaves it be; an older version arriving late changes nothing.
    /// </summary>
    public static IncidentRevised? Revise(IncidentDetails incident, IncidentSource recorded, IncidentReport report)
    {
        ArgumentNullException.ThrowIfNull(incident);
        ArgumentNullException.ThrowIfNull(report);
        if (CompareVersions(report.Source.ExtractorVersion, recorded.ExtractorVersion) <= 0)
        {
            return null;
        }
        var changes = new List<FieldChange>();
        void Compare<T>(string field, T before, T after)
        {
            var old = System.Text.Json.JsonSerializer.Serialize(before);
            var updated = System.Text.Json.JsonSerializer.Serialize(after);
            if (old != updated)
            {
                changes.Add(new FieldChange(field, old, updated));
            }
        }
        Compare("event_type", incident.EventType, report.EventType);
        Compare("sub_event_type", incident.SubEventType, report.SubEventType);
        Compare("actors", incident.Actors.Select(a => a.ActorId).Order(StringComparer.Ordinal).ToList(),
            report.Actors.Select(a => a.ActorId).Order(StringComparer.Ordinal).ToList());
        Compare("place", incident.Place?.GeonameId ?? (object?)incident.Place?.Name, report.Place?.GeonameId ?? (object?)report.Place?.Name);
        Compare("date_start", incident.DateStart, report.DateStart);
        Compare("date_end", incident.DateEnd, report.DateEnd);
        Compare("fatalities", incident.Fatalities, report.Fatalities);
        Compare("arrests", incident.Arrests, report.Arrests);
        Compare("evidence", recorded.Evidence.Text, report.Source.Evidence.Text);
        return new IncidentRevised(incident.Id, changes, report.EventType, report.SubEventType, report.Actors, report.Place,
            report.DateStart, report.DateEnd, report.Fatalities, report.Arrests, report.Source);
    }

    /// <summary>
    /// Orders extractor versions such as "extraction-0.2.0" by their numeric part (ordinal string order otherwise).
    /// </summary>
    public static int CompareVersions(string a, string b) => Platform.Contracts.ExtractorVersions.Compare(a, b);

    public static bool Corroborates(IncidentDetails incident, IncidentReport report) =>
        incident.EventType == report.EventType
        && incident.Place is { } place && report.Place is { } other
        && (place.GeonameId is { } id && id == other.GeonameId || DistanceKm(place, other) <= CorroborationRadiusKm)
        && incident.DateStart.AddDays(-1) <= report.DateEnd && report.DateStart <= incident.DateEnd.AddDays(1)
        && CompatibleActors(incident.Actors, report.Actors)
        && !incident.ArticleIds.Contains(report.Source.ArticleId)
        && !incident.Retracted;

    private static bool CompatibleActors(IReadOnlyList<IncidentActor> a, IReadOnlyList<IncidentActor> b)
    {
        var left = a.Select(x => x.ActorId).Where(id => !NonCombatants.Contains(id)).ToHashSet(StringComparer.Ordinal);
        var right = b.Select(x => x.ActorId).Where(id => !NonCombatants.Contains(id)).ToList();
        return left.Count == 0 || right.Count == 0 || right.Any(left.Contains);
    }

    public static double DistanceKm(IncidentPlace a, IncidentPlace b)
    {
        const double EarthRadiusKm = 6371.0088;
        static double Radians(double degrees) => degrees * Math.PI / 180;
        var dLat = Radians(b.Latitude - a.Latitude);
        var dLon = Radians(b.Longitude - a.Longitude);
        var h = Math.Pow(Math.Sin(dLat / 2), 2) + Math.Cos(Radians(a.Latitude)) * Math.Cos(Radians(b.Latitude)) * Math.Pow(Math.Sin(dLon / 2), 2);
        return 2 * EarthRadiusKm * Math.Asin(Math.Min(1, Math.Sqrt(h)));
    }
}
