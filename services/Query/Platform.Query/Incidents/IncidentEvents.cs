namespace Platform.Query.Incidents;

// The incident ledger's private, persisted schema: stored events and the read model built from them.
// Stored under fixed aliases (see QueryExtensions) so CLR renames never break old streams.

/// <summary>An event of an incident's stream; <see cref="IncidentLedger"/> decides which to append.</summary>
public interface IIncidentEvent
{
    Guid IncidentId { get; }
}

public sealed record IncidentActor(string ActorId, string Alias);

public sealed record IncidentPlace(
    long? GeonameId,
    string Name,
    double Latitude,
    double Longitude,
    int Precision,
    string CountryCode,
    string? Admin1Code,
    string? Admin1Name,
    string? Admin2Code,
    string? Admin2Name,
    string MatchedText,
    double Confidence,
    string? Mention = null,
    string? Rule = null,
    string? RunnersUp = null);

public sealed record IncidentEvidence(int Start, int Length, string Text);

/// <summary>One article's report of an incident.</summary>
public sealed record IncidentSource(
    Guid ArticleId,
    int Ordinal,
    string Title,
    string? Url,
    string? SourceName,
    string Language,
    DateOnly PublishedOn,
    string ExtractorVersion,
    string GeocoderVersion,
    IncidentEvidence Evidence,
    string? SourceCue);

/// <summary>Stored event: an article reported an incident not yet on record.</summary>
public sealed record IncidentReported(
    Guid IncidentId,
    string EventType,
    string SubEventType,
    IReadOnlyList<IncidentActor> Actors,
    IncidentPlace? Place,
    DateOnly DateStart,
    DateOnly DateEnd,
    int? Fatalities,
    int? Arrests,
    IncidentSource Source) : IIncidentEvent;

/// <summary>
/// Stored event: another article reported an incident already on record (same type, place and time, compatible
/// actors). It adds a source; the incident keeps the largest counts any source gave.
/// </summary>
public sealed record IncidentCorroborated(
    Guid IncidentId,
    IReadOnlyList<IncidentActor> Actors,
    int? Fatalities,
    int? Arrests,
    IncidentSource Source) : IIncidentEvent;

/// <summary>One field a revision changed, as JSON of the old and new values.</summary>
public sealed record FieldChange(string Field, string? Before, string? After);

/// <summary>
/// Stored event: a newer extractor version re-read an article and reports this incident differently. The revised
/// report replaces the article's source and the fields it changed.
/// </summary>
public sealed record IncidentRevised(
    Guid IncidentId,
    IReadOnlyList<FieldChange> Changes,
    string EventType,
    string SubEventType,
    IReadOnlyList<IncidentActor> Actors,
    IncidentPlace? Place,
    DateOnly DateStart,
    DateOnly DateEnd,
    int? Fatalities,
    int? Arrests,
    IncidentSource Source) : IIncidentEvent;

/// <summary>
/// Stored event: a newer extractor version no longer finds in an article the incident it once reported. The
/// article's source is withdrawn; an incident left without sources is retracted.
/// </summary>
public sealed record IncidentRetracted(Guid IncidentId, Guid ArticleId, int Ordinal, string ExtractorVersion) : IIncidentEvent;
