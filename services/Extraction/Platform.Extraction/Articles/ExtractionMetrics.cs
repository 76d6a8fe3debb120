using System.Diagnostics.Metrics;
using Platform.Contracts;
using Platform.ServiceDefaults;

namespace Platform.Extraction.Articles;

/// <summary>What Extraction counts: articles read and the incidents found in them, by event type.</summary>
public sealed class ExtractionMetrics
{
    public const string Stage = "extraction";

    private readonly ServiceMeter _meter;
    private readonly Counter<long> _articles;
    private readonly Counter<long> _incidents;

    public ExtractionMetrics(ServiceMeter meter)
    {
        _meter = meter;
        _articles = meter.Meter.CreateCounter<long>("platform.extraction.articles", "{article}", "Articles the extraction engine read.");
        _incidents = meter.Meter.CreateCounter<long>("platform.extraction.incidents", "{incident}", "Incidents extracted, by event type.");
    }

    /// <summary>One article done (published onwards), its incidents, and the time since <paramref name="startedTimestamp"/>.</summary>
    public void Extracted(string language, IReadOnlyList<ExtractedIncident> incidents, long startedTimestamp)
    {
        _articles.Add(1, new KeyValuePair<string, object?>("platform.language", language));
        foreach (var incident in incidents)
        {
            _incidents.Add(1, new KeyValuePair<string, object?>("platform.event_type", incident.EventType));
        }
        _meter.RecordStage(Stage, startedTimestamp);
    }
}
