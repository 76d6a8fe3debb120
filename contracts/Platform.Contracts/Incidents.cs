namespace Platform.Contracts;

/// <summary>The incidents Extraction found in one article (possibly none).</summary>
public sealed record IncidentsExtracted(
    ArticleReference Article,
    string ExtractorVersion,
    IReadOnlyList<ExtractedIncident> Incidents);

/// <summary>The same incidents with their places resolved against the gazetteer.</summary>
public sealed record IncidentsGeocoded(
    ArticleReference Article,
    string ExtractorVersion,
    string GeocoderVersion,
    IReadOnlyList<GeocodedIncident> Incidents);

/// <summary>One incident as the text reports it.</summary>
/// <param name="Ordinal">Position of the incident within its article (0-based); stable for one extractor version.</param>
public sealed record ExtractedIncident(
    int Ordinal,
    string EventType,
    string SubEventType,
    IReadOnlyList<ActorMention> Actors,
    IReadOnlyList<PlaceMention> Places,
    DateRange Date,
    int? Fatalities,
    int? Arrests,
    string? SourceCue,
    TextSpan Evidence);

/// <param name="ActorId">An id from the actor vocabulary (sdf, coalition, ...).</param>
/// <param name="Alias">The words in the text that named the actor.</param>
public sealed record ActorMention(string ActorId, string Alias);

/// <param name="Name">The place name as written.</param>
/// <param name="Relation">
/// How the event relates to the name: in, near, north-of, south-of, east-of, west-of, countryside-of, between, area (a
/// neighbourhood, front or facility of the place), region (a district or governorate); mention (a name no cue
/// introduced: the geocoder looks for known names in it); country (a country the article names, its ISO code the only
/// hint); and "article:" before any of these for a place of the article's headline or lead (its setting).
/// </param>
/// <param name="Hints">Other names the text ties to this place (province, nearby city), most specific first.</param>
public sealed record PlaceMention(string Name, string Relation, IReadOnlyList<string> Hints, TextSpan Span);

/// <summary>An inclusive range of days.</summary>
public sealed record DateRange(DateOnly Start, DateOnly End);

/// <summary>Character offsets into the article's text as stored by Ingestion.</summary>
public sealed record TextSpan(int Start, int Length, string Text);

public sealed record GeocodedIncident(ExtractedIncident Incident, ResolvedPlace? Place);

/// <param name="Precision">1 = the place itself, 2 = near it or its countryside, 3 = only a region.</param>
/// <param name="Mention">The mention, as written, that chose the place.</param>
/// <param name="Rule">How it was chosen: the cue or free mention, how the name matched, or the fallback taken.</param>
/// <param name="RunnersUp">The places it was preferred to ("name (GeoNames id)", separated by "; ").</param>
public sealed record ResolvedPlace(
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
