namespace Platform.Query.Incidents;

/// <summary>
/// The incidents an article contributed to, keyed by article id: a lookup by id instead of a scan of every
/// incident's sources (what redelivery checks and search by article need). Kept by the consumer in the same
/// transaction as the events.
/// </summary>
public sealed class ArticleIncidents
{
    public Guid Id { get; set; }
    public List<Guid> IncidentIds { get; set; } = [];
}

/// <summary>Read model: an incident with every source that reported it.</summary>
public sealed class IncidentDetails
{
    public Guid Id { get; set; }
    public string EventType { get; set; } = "";
    public string SubEventType { get; set; } = "";
    public List<IncidentActor> Actors { get; set; } = [];
    public IncidentPlace? Place { get; set; }
    public DateOnly DateStart { get; set; }
    public DateOnly DateEnd { get; set; }
    public int? Fatalities { get; set; }
    public int? Arrests { get; set; }
    public List<IncidentSource> Sources { get; set; } = [];
    public List<Guid> ArticleIds { get; set; } = [];
    public DateTimeOffset FirstReportedAt { get; set; }
    public long Version { get; set; }

    /// <summary>True once every source withdrew its report.</summary>
    public bool Retracted { get; set; }

    // Denormalised for search: coordinates as columns of their own (indexed), actor ids, and the lower-cased words
    // of titles, evidence and place names.
    public double? Latitude { get; set; }
    public double? Longitude { get; set; }
    public List<string> ActorIds { get; set; } = [];
    public string SearchText { get; set; } = "";

    /// <summary>Refreshes the search fields after any change.</summary>
    public IncidentDetails Indexed()
    {
        ActorIds = Actors.Select(a => a.ActorId).Distinct(StringComparer.Ordinal).ToList();
        Latitude = Place?.Latitude;
        Longitude = Place?.Longitude;
        SearchText = string.Join('\n', Sources.SelectMany(s => new[] { s.Title, s.Evidence.Text })
            .Append(Place?.Name ?? "").Append(Place?.MatchedText ?? "")).ToLowerInvariant();
        return this;
    }
}
