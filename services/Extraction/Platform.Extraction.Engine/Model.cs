namespace Platform.Extraction.Engine;

/// <summary>What the engine reads: the stored article text, its language and its publication date.</summary>
public sealed record ExtractionInput(string Text, string Language, DateOnly PublishedOn);

/// <summary>A span of the input text: [Start, Start + Length).</summary>
public sealed record Span(int Start, int Length, string Text);

public sealed record ActorFound(string ActorId, string Alias);

/// <summary>A place as the text names it; the geocoder decides which gazetteer place it is.</summary>
public sealed record PlaceFound(string Name, string Relation, IReadOnlyList<string> Hints, Span Span)
{
    /// <summary>
    /// A free mention right after "في" ("قتل 8 أشخاص في الشيخ مسكين"): no feature word says it is a place, but the
    /// sentence sets its event there, so it is the event's own place for telling one event from the next.
    /// </summary>
    public bool AfterIn { get; init; }
}

/// <summary>One incident the text reports, with the rule that set each field.</summary>
public sealed record IncidentFound(
    string EventType,
    string SubEventType,
    IReadOnlyList<ActorFound> Actors,
    IReadOnlyList<PlaceFound> Places,
    DateOnly DateStart,
    DateOnly DateEnd,
    int? Fatalities,
    int? Arrests,
    string? SourceCue,
    Span Evidence,
    IReadOnlyDictionary<string, string> Rules);
