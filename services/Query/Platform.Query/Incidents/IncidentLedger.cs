using Platform.Text;

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

/// <summary>Everything one message says of one article: every incident the extractor version found in it.</summary>
public sealed record ArticleReports(Guid ArticleId, string ExtractorVersion, IReadOnlyList<IncidentReport> Reports);

/// <summary>What the ledger holds that a decision reads: the article's incidents, and for each new report its candidates.</summary>
/// <param name="ArticleIncidents">Every incident the article contributed to (what a redelivery or a re-extraction finds).</param>
/// <param name="Candidates">
/// By ordinal, the incidents on record near a report in place and time (<see cref="IncidentLedger.CandidateFilter"/>).
/// </param>
public sealed record LedgerView(
    IReadOnlyList<IncidentDetails> ArticleIncidents,
    IReadOnlyDictionary<int, IReadOnlyList<IncidentDetails>> Candidates);

/// <summary>One event to append: to a new stream (<paramref name="StartsStream"/>) or to the incident's stream.</summary>
public sealed record LedgerAppend(Guid IncidentId, bool StartsStream, IIncidentEvent Event);

/// <summary>What the ledger decided for one article: the events to append, or why the message can never be recorded.</summary>
public sealed record LedgerDecision(IReadOnlyList<LedgerAppend> Appends, string? Rejection = null)
{
    public static LedgerDecision Rejected(string reason) => new([], reason);

    public int Started => Appends.Count(a => a.Event is IncidentReported);
    public int Corroborated => Appends.Count(a => a.Event is IncidentCorroborated);
    public int Revised => Appends.Count(a => a.Event is IncidentRevised);
    public int Retracted => Appends.Count(a => a.Event is IncidentRetracted);
}

/// <summary>
/// The ledger's decisions, pure: no database, time or randomness. Given what is recorded and one article's reports,
/// it returns every event to append:
/// <list type="bullet">
/// <item>a report already on record from the same extractor version adds nothing (a redelivery);</item>
/// <item>a report on record from an older version is revised when a field changed; from a newer one, it is left be;</item>
/// <item>a report on record that a newer version no longer finds is retracted;</item>
/// <item>a new report corroborates an incident on record when both have the same event type, places within
/// <see cref="CorroborationRadiusKm"/> (or the same GeoNames id), date ranges that overlap or touch (one day apart at
/// most: "yesterday" in one time zone is "today" in another), and compatible actors (they share an armed actor, or one
/// side names none), and the incident holds no report from the same article; otherwise it starts an incident.</item>
/// </list>
/// The rule reads ids, coordinates and dates only, so an Arabic and an English report of one raid meet on the same
/// incident. A report with impossible values (a latitude of 999, a precision of 42, a negative count, an end before its
/// start) is rejected with the reason.
/// </summary>
public static class IncidentLedger
{
    public const double CorroborationRadiusKm = 10;

    /// <summary>
    /// The longest date range an incident may span (the extractor's widest is a month); a longer report keeps its
    /// last <see cref="MaxIncidentDays"/> days. Search relies on the bound.
    /// </summary>
    public const int MaxIncidentDays = 62;

    // The candidate area: about 11 km of latitude either side (more than the corroboration radius), two days either side.
    private const double CandidateBoxDegrees = 0.1;
    private const int CandidateDays = 2;

    private static readonly HashSet<string> NonCombatants = new(StringComparer.Ordinal) { "civilians", "protesters", "unidentified" };

    public static LedgerDecision Decide(ArticleReports incoming, LedgerView recorded)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        ArgumentNullException.ThrowIfNull(recorded);
        if (Invalid(incoming) is { } reason)
        {
            return LedgerDecision.Rejected(reason);
        }
        var onFile = Recorded(incoming.ArticleId, recorded.ArticleIncidents);
        var appends = new List<LedgerAppend>();
        // Incidents this article corroborates in this decision: one article is one source of an incident, once.
        var joined = new HashSet<Guid>();
        foreach (var report in incoming.Reports)
        {
            if (onFile.TryGetValue(report.Source.Ordinal, out var file))
            {
                if (Revise(file.Incident, file.Source, report) is { } revision)
                {
                    appends.Add(new LedgerAppend(file.Incident.Id, StartsStream: false, revision));
                }
                continue;
            }
            var candidates = recorded.Candidates.GetValueOrDefault(report.Source.Ordinal) ?? [];
            var best = candidates
                .Where(candidate => !joined.Contains(candidate.Id) && Corroborates(candidate, report))
                .OrderBy(candidate => Km(candidate.Place!, report.Place!))
                .ThenBy(candidate => candidate.FirstReportedAt)
                .ThenBy(candidate => candidate.Id)
                .FirstOrDefault();
            if (best is not null)
            {
                joined.Add(best.Id);
                appends.Add(new LedgerAppend(best.Id, StartsStream: false,
                    new IncidentCorroborated(best.Id, report.Actors, report.Fatalities, report.Arrests, report.Source)));
                continue;
            }
            var id = IncidentIdentity.For(incoming.ArticleId, report.Source.Ordinal);
            appends.Add(new LedgerAppend(id, StartsStream: true, new IncidentReported(
                id, report.EventType, report.SubEventType, report.Actors, report.Place, report.DateStart, report.DateEnd,
                report.Fatalities, report.Arrests, report.Source)));
        }
        // A newer extractor that no longer finds an incident the article reported withdraws that report.
        var ordinals = incoming.Reports.Select(r => r.Source.Ordinal).ToHashSet();
        foreach (var (ordinal, file) in onFile.Where(r => !ordinals.Contains(r.Key)).OrderBy(r => r.Key))
        {
            if (CompareVersions(incoming.ExtractorVersion, file.Source.ExtractorVersion) > 0)
            {
                appends.Add(new LedgerAppend(file.Incident.Id, StartsStream: false,
                    new IncidentRetracted(file.Incident.Id, incoming.ArticleId, ordinal, incoming.ExtractorVersion)));
            }
        }
        return new LedgerDecision(appends);
    }

    /// <summary>Whether a report needs candidates read for it: it has a place and its article has not reported it yet.</summary>
    public static bool NeedsCandidates(IncidentReport report, Guid articleId, IReadOnlyList<IncidentDetails> articleIncidents) =>
        report.Place is not null && !articleIncidents.Any(incident => incident.Sources.Any(s => s.ArticleId == articleId && s.Ordinal == report.Source.Ordinal));

    /// <summary>
    /// The incidents a report may corroborate lie in this area and time: a box a little larger than the corroboration
    /// radius, two days either side, of the same event type (the coarse filter before <see cref="Corroborates"/>).
    /// </summary>
    public static IncidentFilter CandidateFilter(IncidentReport report)
    {
        var place = report.Place ?? throw new ArgumentException("A report without a place has no candidates.", nameof(report));
        var lonDelta = CandidateBoxDegrees / Math.Max(0.2, Math.Cos(place.Latitude * Math.PI / 180));
        return new IncidentFilter
        {
            EventType = report.EventType,
            From = report.DateStart.AddDays(-CandidateDays),
            To = report.DateEnd.AddDays(CandidateDays),
            Box = new GeoBox(Math.Max(-90, place.Latitude - CandidateBoxDegrees), Math.Min(90, place.Latitude + CandidateBoxDegrees),
                Math.Max(-180, place.Longitude - lonDelta), Math.Min(180, place.Longitude + lonDelta)),
        };
    }

    /// <summary>
    /// The keys that serialise decisions about one neighbourhood in space and time: for each new report, its event type
    /// with every grid cell its candidate area touches and every week its candidate dates touch. Two reports close enough
    /// to corroborate each other share a key (each lies in the other's area, and their candidate dates share a day), so
    /// holding the keys while reading candidates and appending means the later of two simultaneous reports sees the
    /// incident the earlier one started; reports of other weeks or places do not wait for each other. Sorted, so that
    /// holders never wait in a cycle.
    /// </summary>
    public static IReadOnlyList<long> LockKeys(ArticleReports incoming)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        var keys = new SortedSet<long>();
        foreach (var report in incoming.Reports.Where(r => r.Place is not null))
        {
            var filter = CandidateFilter(report);
            // 27 bits of event type, 19 of grid cell (under 2^19 for any coordinates), 17 of week (wrapping every ~2,500 years):
            // a shared key only makes two decisions wait for each other, so a collision costs time, never correctness.
            var type = (long)(StableHash(report.EventType) & 0x7FF_FFFF) << 36;
            var cells = IncidentSearch.Cells(filter.Box!).ToList();
            for (var week = filter.From!.Value.DayNumber / 7; week <= filter.To!.Value.DayNumber / 7; week++)
            {
                foreach (var cell in cells)
                {
                    keys.Add(type | (long)cell << 17 | (uint)(week & 0x1FFFF));
                }
            }
        }
        return [.. keys];
    }

    /// <summary>The first impossible value of a message, or null: a message that breaks these can never be recorded.</summary>
    public static string? Invalid(ArticleReports incoming)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        if (incoming.ArticleId == Guid.Empty)
        {
            return "the article id is empty";
        }
        if (string.IsNullOrWhiteSpace(incoming.ExtractorVersion))
        {
            return "the extractor version is empty";
        }
        var ordinals = new HashSet<int>();
        foreach (var report in incoming.Reports)
        {
            var ordinal = report.Source.Ordinal;
            var problem = ordinal < 0 ? "a negative ordinal"
                : !ordinals.Add(ordinal) ? "an ordinal given twice"
                : string.IsNullOrWhiteSpace(report.EventType) ? "no event type"
                : report.DateEnd < report.DateStart ? $"an end date {report.DateEnd:yyyy-MM-dd} before its start {report.DateStart:yyyy-MM-dd}"
                : report.Fatalities < 0 ? $"fatalities {report.Fatalities}"
                : report.Arrests < 0 ? $"arrests {report.Arrests}"
                : report.Place is { } place ? InvalidPlace(place) : null;
            if (problem is not null)
            {
                return $"incident {ordinal} of article {incoming.ArticleId} has {problem}";
            }
        }
        return null;
    }

    private static string? InvalidPlace(IncidentPlace place) =>
        !double.IsFinite(place.Latitude) || place.Latitude is < -90 or > 90 ? $"latitude {place.Latitude}"
        : !double.IsFinite(place.Longitude) || place.Longitude is < -180 or > 180 ? $"longitude {place.Longitude}"
        : place.Precision is < 1 or > 3 ? $"precision {place.Precision} (1, 2 or 3)"
        : !double.IsFinite(place.Confidence) || place.Confidence is < 0 or > 1 ? $"confidence {place.Confidence} (0 to 1)"
        : null;

    /// <summary>The article's reports on record, by ordinal.</summary>
    private static Dictionary<int, (IncidentDetails Incident, IncidentSource Source)> Recorded(Guid articleId, IReadOnlyList<IncidentDetails> incidents) =>
        incidents
            .SelectMany(incident => incident.Sources.Where(s => s.ArticleId == articleId).Select(source => (Incident: incident, Source: source)))
            .GroupBy(x => x.Source.Ordinal)
            .ToDictionary(g => g.Key, g => g.First());

    /// <summary>
    /// A report from an article already on record: a newer extractor version revises the incident (when a field
    /// changed) or leaves it be; the same version (a redelivery) or an older one arriving late changes nothing.
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
        && (place.GeonameId is { } id && id == other.GeonameId || Km(place, other) <= CorroborationRadiusKm)
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

    private static double Km(IncidentPlace a, IncidentPlace b) => GreatCircle.Km(a.Latitude, a.Longitude, b.Latitude, b.Longitude);

    // FNV-1a: the same on every process and run (string.GetHashCode is randomised per process).
    private static uint StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }
        return hash;
    }
}

public static class IncidentIdentity
{
    /// <summary>A name-based id (RFC 9562 version 8) for the incident an article reported at an ordinal.</summary>
    public static Guid For(Guid articleId, int ordinal) => Platform.ServiceDefaults.NameBasedGuid.From($"incident:{articleId:N}:{ordinal}");
}
