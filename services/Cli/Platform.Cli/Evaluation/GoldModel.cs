using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.Cli.Evaluation;

/// <summary>An incident in the gold file's shape (gold/README.md); predictions are written the same way.</summary>
public sealed record GoldIncident
{
    [JsonPropertyName("event_type")] public string EventType { get; init; } = "";
    [JsonPropertyName("sub_event_type")] public string SubEventType { get; init; } = "";
    [JsonPropertyName("actors")] public List<string> Actors { get; init; } = [];
    [JsonPropertyName("location")] public GoldLocation? Location { get; init; }
    [JsonPropertyName("date")] public GoldDate? Date { get; init; }
    [JsonPropertyName("fatalities")] public int? Fatalities { get; init; }
    [JsonPropertyName("arrests")] public int? Arrests { get; init; }
    [JsonPropertyName("evidence")] public string? Evidence { get; init; }
    [JsonPropertyName("optional")] public bool Optional { get; init; }

    // Prediction-only detail, ignored by the scorer.
    [JsonPropertyName("evidence_start"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? EvidenceStart { get; init; }
    [JsonPropertyName("evidence_length"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? EvidenceLength { get; init; }
    [JsonPropertyName("actor_aliases"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public Dictionary<string, string>? ActorAliases { get; init; }
    [JsonPropertyName("place_mentions"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<string>? PlaceMentions { get; init; }
    [JsonPropertyName("place_admin1"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? PlaceAdmin1 { get; init; }
    [JsonPropertyName("place_rule"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? PlaceRule { get; init; }
    [JsonPropertyName("place_runners_up"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<string>? PlaceRunnersUp { get; init; }
    [JsonPropertyName("source_cue"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? SourceCue { get; init; }
    [JsonPropertyName("rules"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyDictionary<string, string>? Rules { get; init; }
    [JsonPropertyName("extractor_version"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? ExtractorVersion { get; init; }
}

public sealed record GoldLocation
{
    [JsonPropertyName("name")] public string Name { get; init; } = "";
    [JsonPropertyName("geonameid")] public long? GeonameId { get; init; }
    [JsonPropertyName("lat")] public double Latitude { get; init; }
    [JsonPropertyName("lon")] public double Longitude { get; init; }
    [JsonPropertyName("precision")] public int Precision { get; init; }
}

public sealed record GoldDate
{
    [JsonPropertyName("start")] public string Start { get; init; } = "";
    [JsonPropertyName("end")] public string End { get; init; } = "";
}

/// <summary>One line of a gold or input file.</summary>
public sealed record GoldArticle
{
    [JsonPropertyName("id")] public string Id { get; init; } = "";
    [JsonPropertyName("lang")] public string Language { get; init; } = "";
    [JsonPropertyName("published")] public string Published { get; init; } = "";
    [JsonPropertyName("text")] public string Text { get; init; } = "";
    [JsonPropertyName("incidents")] public List<GoldIncident> Incidents { get; init; } = [];
}

/// <summary>One line of a predictions file: <c>{"id": ..., "incidents": [...]}</c>.</summary>
public sealed record ArticlePrediction
{
    [JsonPropertyName("id")] public string Id { get; init; } = "";
    [JsonPropertyName("incidents")] public List<GoldIncident> Incidents { get; init; } = [];
}

public static class JsonLines
{
    public static readonly JsonSerializerOptions Options = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Reads a JSONL file; a malformed line is an error naming the file and line.</summary>
    public static IEnumerable<T> Read<T>(string path)
    {
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            T? value;
            try
            {
                value = JsonSerializer.Deserialize<T>(line, Options);
            }
            catch (JsonException e)
            {
                throw new UsageException($"{path}:{number}: not a JSON object: {e.Message}");
            }
            yield return value ?? throw new UsageException($"{path}:{number}: empty line content.");
        }
    }
}
