using System.Diagnostics.Metrics;
using Platform.ServiceDefaults;

namespace Platform.Query.Incidents;

/// <summary>What Query counts: reports recorded in the ledger by what they did, and how long an article took to get there.</summary>
public sealed class LedgerMetrics
{
    public const string Stage = "ledger";

    private static readonly KeyValuePair<string, object?> New = new(OutcomeTag, "new");
    private static readonly KeyValuePair<string, object?> Corroborated = new(OutcomeTag, "corroborated");
    private static readonly KeyValuePair<string, object?> Revised = new(OutcomeTag, "revised");
    private static readonly KeyValuePair<string, object?> Retracted = new(OutcomeTag, "retracted");
    private const string OutcomeTag = "platform.report.outcome";

    private readonly ServiceMeter _meter;
    private readonly Counter<long> _reports;
    private readonly Histogram<double> _latency;
    private readonly TimeProvider _clock;

    public LedgerMetrics(ServiceMeter meter, TimeProvider clock)
    {
        _meter = meter;
        _clock = clock;
        _reports = meter.Meter.CreateCounter<long>("platform.ledger.reports", "{report}",
            "Ledger events recorded: a report that started an incident (new) or corroborated one, a revision, a retraction.");
        _latency = ServiceMeter.CreateSecondsHistogram(meter.Meter, "platform.pipeline.latency",
            "Time from Ingestion storing an article (or a request to reprocess it) to the ledger recording its reports.");
    }

    /// <summary>One article recorded: what its decision appended, its latency from <paramref name="storedAt"/>, the stage's time.</summary>
    public void Recorded(LedgerDecision decision, DateTimeOffset? storedAt, long startedTimestamp)
    {
        Add(decision.Started, New);
        Add(decision.Corroborated, Corroborated);
        Add(decision.Revised, Revised);
        Add(decision.Retracted, Retracted);
        // A message from a publisher that predates the timestamp has none: it is not measured rather than guessed.
        if (storedAt is { } stored)
        {
            _latency.Record(Math.Max(0, (_clock.GetUtcNow() - stored).TotalSeconds));
        }
        _meter.RecordStage(Stage, startedTimestamp);
    }

    private void Add(int count, KeyValuePair<string, object?> outcome)
    {
        if (count > 0)
        {
            _reports.Add(count, outcome);
        }
    }
}
