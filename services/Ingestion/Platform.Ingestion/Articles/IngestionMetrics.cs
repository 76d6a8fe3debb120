using System.Diagnostics.Metrics;
using Platform.ServiceDefaults;

namespace Platform.Ingestion.Articles;

/// <summary>What Ingestion counts: articles in and what became of them, and the outbox's progress.</summary>
public sealed class IngestionMetrics
{
    public const string Stage = "ingestion";

    private readonly Counter<long> _received;
    private readonly Counter<long> _ingested;
    private readonly Counter<long> _duplicate;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _published;

    public IngestionMetrics(ServiceMeter meter)
    {
        Service = meter;
        var m = meter.Meter;
        _received = m.CreateCounter<long>("platform.ingestion.articles.received", "{article}", "Articles submitted, before validation.");
        _ingested = m.CreateCounter<long>("platform.ingestion.articles.ingested", "{article}", "Articles stored as new.");
        _duplicate = m.CreateCounter<long>("platform.ingestion.articles.duplicate", "{article}", "Articles whose content was already stored.");
        _rejected = m.CreateCounter<long>("platform.ingestion.articles.rejected", "{article}", "Articles refused, by the rule they broke.");
        _published = m.CreateCounter<long>("platform.outbox.published", "{article}", "Stored articles (and reprocess requests) the outbox published to RabbitMQ.");
        m.CreateObservableGauge("platform.outbox.lag", () => OutboxLag.Events, "{event}",
            "Events stored but not yet published by the outbox (as of the monitor's last reading).");
        m.CreateObservableGauge("platform.outbox.lag.age", () => OutboxLag.OldestAge.TotalSeconds, "s",
            "Age of the oldest event the outbox has not published yet; 0 when it is caught up.");
    }

    public ServiceMeter Service { get; }

    /// <summary>
    /// The outbox's lag as <see cref="OutboxLagMonitor"/> last read it. Kept here rather than read from the monitor:
    /// the monitor needs the document store, whose subscription (the publisher) needs these metrics.
    /// </summary>
    public OutboxLagMonitor.Reading OutboxLag { get; set; } = new(0, TimeSpan.Zero);

    public void Received(int count) => _received.Add(count);

    public void Ingested() => _ingested.Add(1);

    public void Duplicate() => _duplicate.Add(1);

    public void Rejected(string reason) => _rejected.Add(1, new KeyValuePair<string, object?>("platform.rejection.reason", reason));

    public void Published(int count) => _published.Add(count);
}
