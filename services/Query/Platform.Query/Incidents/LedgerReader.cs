using Marten;
using Npgsql;

namespace Platform.Query.Incidents;

/// <summary>A stored event as the ledger's readers see it: the JSON as stored, no round trip through the event types.</summary>
internal sealed record StoredEvent(long Position, Guid IncidentId, string Type, DateTimeOffset Timestamp, long Version, string DataJson);

/// <summary>
/// The only code that reads Marten's events table (<c>mt_events</c>) directly: the ledger's end, an incident's
/// history, pages in ledger order for replay and watch (with the gap handling of <see cref="LedgerCursor"/>), and the
/// incidents changed since a moment for as-of searches.
/// </summary>
internal sealed class LedgerReader(IQuerySession session, IDocumentStore store)
{
    public const int PageSize = 5_000;

    /// <summary>The stored event types of the ledger, and the change each is to a watcher.</summary>
    public static readonly IReadOnlyDictionary<string, string> ChangeNames = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["incident_reported"] = "reported",
        ["incident_corroborated"] = "corroborated",
        ["incident_revised"] = "revised",
        ["incident_retracted"] = "retracted",
    };

    private static readonly TimeSpan FollowPollInterval = TimeSpan.FromMilliseconds(25);

    private string Events => $"{store.Options.Events.DatabaseSchemaName}.mt_events";

    /// <summary>The last global position in the ledger (0 when empty).</summary>
    public async Task<long> EndAsync(CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"select coalesce(max(seq_id), 0) from {Events}");
        await using var reader = await session.ExecuteReaderAsync(command, cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.GetInt64(0);
    }

    /// <summary>Every event of one incident, in version order.</summary>
    public Task<List<StoredEvent>> HistoryAsync(Guid incidentId, CancellationToken cancellationToken) =>
        ReadAsync("stream_id = $1 order by version", [incidentId], cancellationToken);

    /// <summary>
    /// The stored events after <paramref name="position"/> of the given types (all when none), in ledger order, in
    /// pages of up to <see cref="PageSize"/>; with <paramref name="follow"/>, polls for new ones until cancelled. Every
    /// type is read so that the cursor sees gaps in the positions (a lower position may still be committing: a follower
    /// waits there); only the wanted types' JSON leaves the database, and none without <paramref name="withData"/>.
    /// </summary>
    public async IAsyncEnumerable<List<StoredEvent>> PagesAsync(long position, bool follow, IReadOnlyCollection<string> types, bool withData,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var wantedTypes = types.ToArray();
        var cursor = new LedgerCursor(position, waitAtGaps: follow);
        while (!cancellationToken.IsCancellationRequested)
        {
            var page = await ReadAsync("seq_id > $1 order by seq_id limit $2", [cursor.Position, PageSize], cancellationToken, wantedTypes, withData);
            var ready = cursor.Accept(page.Select(e => e.Position).ToList());
            var wanted = page.Take(ready).Where(e => wantedTypes.Length == 0 || wantedTypes.Contains(e.Type, StringComparer.Ordinal)).ToList();
            if (wanted.Count > 0)
            {
                yield return wanted;
            }
            if (page.Count == PageSize && ready == page.Count)
            {
                continue;
            }
            if (!follow)
            {
                yield break;
            }
            try
            {
                await Task.Delay(FollowPollInterval, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
        }
    }

    /// <summary>Incidents revised or retracted after <paramref name="asOf"/>, ids in (after, upTo], in id order.</summary>
    public async Task<List<Guid>> ChangedSinceAsync(DateTimeOffset asOf, Guid? after, Guid? upTo, int limit, CancellationToken cancellationToken)
    {
        var ids = new List<Guid>();
        await using var command = new NpgsqlCommand(
            $"select distinct stream_id from {Events} " +
            "where timestamp > $1 and type in ('incident_revised', 'incident_retracted') and ($2::uuid is null or stream_id > $2) " +
            "and ($3::uuid is null or stream_id <= $3) order by stream_id limit $4");
        command.Parameters.Add(new NpgsqlParameter { Value = asOf });
        command.Parameters.Add(new NpgsqlParameter { Value = after.HasValue ? after.Value : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter { Value = upTo.HasValue ? upTo.Value : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        await using var reader = await session.ExecuteReaderAsync(command, cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetGuid(0));
        }
        return ids;
    }

    private async Task<List<StoredEvent>> ReadAsync(string condition, object[] parameters, CancellationToken cancellationToken,
        string[]? types = null, bool withData = true)
    {
        var events = new List<StoredEvent>();
        // With types, the JSON of the other events stays in the database (their data is empty); without data, all.
        var data = !withData ? "''" : types is { Length: > 0 } ? $"case when type = any(${parameters.Length + 1}) then data::text else '' end" : "data::text";
        await using var command = new NpgsqlCommand($"select seq_id, stream_id, type, timestamp, version, {data} from {Events} where {condition}");
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }
        if (withData && types is { Length: > 0 })
        {
            command.Parameters.Add(new NpgsqlParameter { Value = types });
        }
        await using var reader = await session.ExecuteReaderAsync(command, cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new StoredEvent(reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3),
                reader.GetInt64(4), reader.GetString(5)));
        }
        return events;
    }
}
