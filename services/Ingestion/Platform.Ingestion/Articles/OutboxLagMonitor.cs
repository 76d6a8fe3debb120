using Marten;
using Microsoft.Extensions.Options;

namespace Platform.Ingestion.Articles;

/// <summary>
/// Reads how far the outbox publisher is behind the event store, every <c>Ingestion:OutboxLagInterval</c>, for the
/// <c>platform.outbox.lag</c> gauges: a scrape reads the last figures and never waits on the database. Every instance
/// reads the same figures (the publisher runs on one of them at a time), so dashboards take the maximum.
/// </summary>
public sealed class OutboxLagMonitor(IDocumentStore store, IngestionMetrics metrics, TimeProvider clock, IOptions<IngestionOptions> options,
    ILogger<OutboxLagMonitor> logger) : BackgroundService
{
    /// <summary>Events stored after the publisher's position, and how old the first of them is.</summary>
    public sealed record Reading(long Events, TimeSpan OldestAge);

    /// <summary>The daemon's progress row of the publisher: the subscription's name and its one shard.</summary>
    public const string ProgressionName = ArticlePublisher.SubscriptionId + ":All";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.OutboxLagInterval, clock);
        do
        {
            try
            {
                metrics.OutboxLag = await ReadAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The database may be away; the readiness check says so. The gauges keep the last reading.
                logger.LogDebug(e, "Could not read the outbox's lag");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task<Reading> ReadAsync(CancellationToken cancellationToken)
    {
        var schema = store.Options.Events.DatabaseSchemaName;
        await using var session = store.QuerySession();
        // By sequence, on the events table's primary key: the newest sequence less the published one is the count
        // (Marten leaves no holes behind its high-water mark that the publisher would wait for), and the first event
        // past the position is the oldest waiting.
        await using var command = new Npgsql.NpgsqlCommand($"""
            with position as (select coalesce((select last_seq_id from {schema}.mt_event_progression where name = $1), 0) as seq)
            select coalesce((select max(seq_id) from {schema}.mt_events), 0) - position.seq,
                   (select timestamp from {schema}.mt_events where seq_id > position.seq order by seq_id limit 1)
            from position
            """);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = ProgressionName });
        await using var reader = await session.ExecuteReaderAsync(command, cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var events = Math.Max(0, reader.GetInt64(0));
        var oldest = reader.IsDBNull(1) ? (DateTimeOffset?)null : reader.GetFieldValue<DateTimeOffset>(1);
        var age = events > 0 && oldest is { } at ? clock.GetUtcNow() - at : TimeSpan.Zero;
        return new Reading(events, age < TimeSpan.Zero ? TimeSpan.Zero : age);
    }
}
