using System.Diagnostics.Metrics;

namespace Platform.ServiceDefaults;

/// <summary>
/// The one <see cref="Meter"/> of a service ("Platform.Ingestion", "Platform.Query", ...), which every domain instrument
/// of that service hangs on. Instrument names follow the OpenTelemetry conventions (dotted, lower case, the unit in
/// <c>unit</c> and not in the name); the Prometheus exporter turns <c>platform.ledger.reports</c> into
/// <c>platform_ledger_reports_total</c> and a histogram in seconds into <c>..._seconds_bucket</c>.
/// </summary>
public sealed class ServiceMeter
{
    /// <summary>Every service's meter starts with this; telemetry subscribes to <c>Platform.*</c>.</summary>
    public const string Prefix = "Platform.";

    /// <summary>
    /// Bucket bounds for durations in seconds, from a millisecond to five minutes: the SDK's default bounds are meant for
    /// milliseconds and would put every stage into the first bucket.
    /// </summary>
    public static readonly IReadOnlyList<double> SecondsBuckets =
        [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

    public const string StageTag = "platform.stage";

    private readonly Histogram<double> _stageDuration;

    public ServiceMeter(IMeterFactory factory, string serviceName)
    {
        ServiceName = serviceName;
        Meter = factory.Create(MeterName(serviceName));
        _stageDuration = CreateSecondsHistogram(Meter, "platform.stage.duration",
            "Time a stage of the pipeline took for one unit of its work (a submission call, a message).");
    }

    public string ServiceName { get; }

    public Meter Meter { get; }

    /// <summary>"ingestion" gives "Platform.Ingestion".</summary>
    public static string MeterName(string serviceName) =>
        Prefix + char.ToUpperInvariant(serviceName[0]) + serviceName[1..];

    public static Histogram<double> CreateSecondsHistogram(Meter meter, string name, string description) =>
        meter.CreateHistogram(name, "s", description, tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });

    /// <summary>Records how long <paramref name="stage"/> took, from a <see cref="System.Diagnostics.Stopwatch"/> timestamp.</summary>
    public void RecordStage(string stage, long startedTimestamp) =>
        _stageDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds,
            new KeyValuePair<string, object?>(StageTag, stage));
}
