using System.Diagnostics;
using System.Threading.Channels;
using JasperFx.Events;
using Marten;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Platform.Query.Incidents;

/// <summary>
/// Records articles' reports in the ledger, many articles to one transaction (group commit). Consumers hand their
/// validated reports to <see cref="RecordAsync"/> and wait; each of <see cref="LedgerOptions.Writers"/> loops takes what
/// has queued up (at most <see cref="LedgerOptions.BatchSize"/> articles), and for the whole batch takes the advisory
/// locks of every report in one statement, reads what is recorded, decides each article in arrival order with
/// <see cref="IncidentLedger.Decide"/> against what is recorded plus what the batch decided before it (so two reports of
/// one event in one batch meet on one incident), appends every event with the stream versions it read (optimistic
/// concurrency per incident stream) and commits once. Each article's wait then ends with its own decision.
/// <para>
/// A concurrency conflict (another instance appended to one of the streams first) decides the batch again on a fresh
/// read until <see cref="LedgerOptions.ConflictDeadline"/>. Any other failure of a batch of several articles writes
/// them again one by one, so one article that cannot be written fails alone, and its message alone goes to the
/// broker's retries and error queue; the others are recorded.
/// </para>
/// </summary>
public sealed class LedgerWriter : BackgroundService
{
    private readonly IDocumentStore _store;
    private readonly LedgerOptions _options;
    private readonly ILogger<LedgerWriter> _logger;
    // The incidents on record a report's candidate search returns at most (its area and days hold few).
    private const int CandidateLimit = 50;

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = false });

    public LedgerWriter(IDocumentStore store, IOptions<LedgerOptions> options, ILogger<LedgerWriter> logger)
    {
        _store = store;
        _options = options.Value;
        _logger = logger;
    }

    private sealed record Pending(ArticleReports Incoming, TaskCompletionSource<LedgerDecision> Done, CancellationToken CancellationToken);

    /// <summary>Records one article's reports (already valid: <see cref="IncidentLedger.Invalid"/> is null) and returns what was appended.</summary>
    public async Task<LedgerDecision> RecordAsync(ArticleReports incoming, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        var pending = new Pending(incoming, new TaskCompletionSource<LedgerDecision>(TaskCreationOptions.RunContinuationsAsynchronously), cancellationToken);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("The ledger writer has stopped.");
        }
        return await pending.Done.Task.WaitAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, _options.Writers).Select(_ => Task.Run(() => WriteLoopAsync(stoppingToken), CancellationToken.None)));

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
        while (_queue.Reader.TryRead(out var left))
        {
            left.Done.TrySetCanceled(CancellationToken.None);
        }
    }

    private async Task WriteLoopAsync(CancellationToken stoppingToken)
    {
        // An article that arrives twice in one batch (a redelivery) waits for the next: its second decision reads the first.
        var carried = new List<Pending>();
        try
        {
            while (carried.Count > 0 || await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                var batch = new List<Pending>();
                var articles = new HashSet<Guid>();
                var next = new List<Pending>();
                foreach (var pending in carried)
                {
                    (batch.Count < _options.BatchSize && articles.Add(pending.Incoming.ArticleId) ? batch : next).Add(pending);
                }
                while (batch.Count < _options.BatchSize && _queue.Reader.TryRead(out var pending))
                {
                    (articles.Add(pending.Incoming.ArticleId) ? batch : next).Add(pending);
                }
                carried = next;
                batch.RemoveAll(p => p.CancellationToken.IsCancellationRequested && p.Done.TrySetCanceled(p.CancellationToken));
                if (batch.Count > 0)
                {
                    await WriteAsync(batch, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        foreach (var pending in carried)
        {
            pending.Done.TrySetCanceled(CancellationToken.None);
        }
    }

    private async Task WriteAsync(List<Pending> batch, CancellationToken stoppingToken)
    {
        var clock = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var decisions = await RecordBatchAsync(batch.Select(p => p.Incoming).ToList(), stoppingToken);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Done.TrySetResult(decisions[i]);
                }
                return;
            }
            catch (Exception exception) when (IsConflict(exception) && clock.Elapsed < _options.ConflictDeadline && !stoppingToken.IsCancellationRequested)
            {
                // Another transaction changed what this batch read: decide again on what is recorded now.
                _logger.LogDebug(exception, "A batch of {Count} articles met a concurrent change; deciding again (attempt {Attempt})", batch.Count, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 + Math.Min(attempt, 20) * 10)), stoppingToken);
            }
            catch (Exception exception) when (batch.Count > 1 && !stoppingToken.IsCancellationRequested)
            {
                // One article may be what fails: each alone, so it fails by itself and the rest are recorded.
                _logger.LogWarning(exception, "A batch of {Count} articles failed; writing them one by one", batch.Count);
                foreach (var pending in batch)
                {
                    await WriteAsync([pending], stoppingToken);
                }
                return;
            }
            catch (Exception exception)
            {
                if (IsConflict(exception))
                {
                    _logger.LogError(exception, "Article {ArticleId}: still conflicting after {Seconds:F0} s and {Attempts} attempts",
                        batch[0].Incoming.ArticleId, clock.Elapsed.TotalSeconds, attempt);
                }
                foreach (var pending in batch)
                {
                    pending.Done.TrySetException(exception);
                }
                return;
            }
        }
    }

    /// <summary>One transaction for the batch: locks, reads, a decision per article in order, appends, commit.</summary>
    private async Task<IReadOnlyList<LedgerDecision>> RecordBatchAsync(IReadOnlyList<ArticleReports> batch, CancellationToken cancellationToken)
    {
        await using var session = _store.LightweightSession();
        // Locks first, in one statement and in key order, then every read: the reads see what the last holder committed.
        var keys = batch.SelectMany(IncidentLedger.LockKeys).Distinct().Order().ToArray();
        if (keys.Length > 0)
        {
            await session.BeginTransactionAsync(cancellationToken);
            await using var command = new NpgsqlCommand("select count(pg_advisory_xact_lock(key)) from unnest($1::bigint[]) as key");
            command.Parameters.Add(new NpgsqlParameter { Value = keys });
            await using var reader = await session.ExecuteReaderAsync(command, cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
            }
        }

        var contributions = (await session.LoadManyAsync<ArticleIncidents>(cancellationToken, batch.Select(a => a.ArticleId).ToArray()))
            .ToDictionary(c => c.Id);
        // Every incident the batch reads, as the batch has changed it so far; the stream versions read from the database.
        var known = new Dictionary<Guid, IncidentDetails>();
        var readVersions = new Dictionary<Guid, long>();
        void Know(IEnumerable<IncidentDetails> incidents)
        {
            foreach (var incident in incidents)
            {
                if (known.TryAdd(incident.Id, incident))
                {
                    readVersions[incident.Id] = incident.Version;
                }
            }
        }
        var recordedIds = contributions.Values.SelectMany(c => c.IncidentIds).Distinct().ToArray();
        if (recordedIds.Length > 0)
        {
            Know(await session.LoadManyAsync<IncidentDetails>(cancellationToken, recordedIds));
        }

        // Every report's candidates on record, read together. An article is in the batch once, so what it has reported
        // (and so which of its reports need candidates) is what the database holds; the batch's own changes come below.
        var needing = batch.SelectMany(incoming =>
        {
            var recorded = contributions.TryGetValue(incoming.ArticleId, out var c) ? c.IncidentIds.Where(known.ContainsKey).Select(id => known[id]).ToList() : [];
            return incoming.Reports.Where(r => IncidentLedger.NeedsCandidates(r, incoming.ArticleId, recorded))
                .Select(report => (incoming.ArticleId, report.Source.Ordinal, Filter: IncidentLedger.CandidateFilter(report)));
        }).ToList();
        var pages = await IncidentSearch.FirstPagesAsync(session, needing.Select(n => n.Filter.ToSearch()).ToList(), CandidateLimit, cancellationToken);
        var onRecord = new Dictionary<(Guid, int), (IncidentFilter Filter, IReadOnlyList<IncidentDetails> Page)>();
        for (var i = 0; i < needing.Count; i++)
        {
            Know(pages[i]);
            onRecord[(needing[i].ArticleId, needing[i].Ordinal)] = (needing[i].Filter, pages[i]);
        }

        var changed = new HashSet<Guid>();
        var appended = new Dictionary<Guid, List<IIncidentEvent>>();
        var started = new HashSet<Guid>();
        var decisions = new List<LedgerDecision>(batch.Count);
        var now = DateTimeOffset.UtcNow;
        foreach (var incoming in batch)
        {
            if (!contributions.TryGetValue(incoming.ArticleId, out var articleContributions))
            {
                contributions[incoming.ArticleId] = articleContributions = new ArticleIncidents { Id = incoming.ArticleId };
            }
            var articleIncidents = articleContributions.IncidentIds.Where(known.ContainsKey).Select(id => known[id]).ToList();
            var candidates = new Dictionary<int, IReadOnlyList<IncidentDetails>>();
            foreach (var report in incoming.Reports)
            {
                if (onRecord.TryGetValue((incoming.ArticleId, report.Source.Ordinal), out var read))
                {
                    // What the database returned, as this batch left it, and what this batch started or changed nearby.
                    candidates[report.Source.Ordinal] = read.Page.Select(i => i.Id).Concat(changed).Distinct()
                        .Select(id => known[id]).Where(read.Filter.Matches).ToList();
                }
            }

            var decision = IncidentLedger.Decide(incoming, new LedgerView(articleIncidents, candidates));
            if (decision.Rejection is { } rejection)
            {
                throw new Platform.ServiceDefaults.PermanentMessageException($"IncidentsGeocoded rejected: {rejection}.");
            }
            foreach (var append in decision.Appends)
            {
                known.TryGetValue(append.IncidentId, out var before);
                known[append.IncidentId] = IncidentDetailsProjection.Applied(append.Event, append.StartsStream ? null : before,
                    (before?.Version ?? 0) + 1, now);
                changed.Add(append.IncidentId);
                if (append.StartsStream)
                {
                    started.Add(append.IncidentId);
                }
                if (!appended.TryGetValue(append.IncidentId, out var events))
                {
                    appended[append.IncidentId] = events = [];
                }
                events.Add(append.Event);
                if (!articleContributions.IncidentIds.Contains(append.IncidentId))
                {
                    articleContributions.IncidentIds.Add(append.IncidentId);
                }
            }
            if (decision.Appends.Count > 0)
            {
                session.Store(articleContributions);
            }
            decisions.Add(decision);
        }

        if (appended.Count == 0)
        {
            return decisions;
        }
        foreach (var (incidentId, events) in appended)
        {
            if (started.Contains(incidentId))
            {
                session.Events.StartStream<IncidentDetails>(incidentId, events.Cast<object>().ToArray());
            }
            else
            {
                // The version the stream must be at once these are appended: another writer's append in between fails the batch.
                session.Events.Append(incidentId, readVersions[incidentId] + events.Count, events.Cast<object>().ToArray());
            }
        }
        await session.SaveChangesAsync(cancellationToken);
        return decisions;
    }

    /// <summary>
    /// A write that lost a race: another transaction appended to the same stream, started the same stream (a concurrent
    /// redelivery), stored the same document version, or the database broke a deadlock or a serialisation conflict.
    /// </summary>
    public static bool IsConflict(Exception exception) => exception switch
    {
        JasperFx.ConcurrencyException or Marten.Exceptions.ExistingStreamIdCollisionException or JasperFx.Events.ExistingStreamIdCollisionException
            or JasperFx.Events.EventStreamUnexpectedMaxEventIdException => true,
        PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.UniqueViolation } => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsConflict),
        _ => exception.InnerException is { } cause && IsConflict(cause),
    };
}
