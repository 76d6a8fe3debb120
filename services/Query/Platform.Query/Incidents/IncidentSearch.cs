using System.Text;
using Marten;
using Npgsql;

namespace Platform.Query.Incidents;

/// <summary>
/// The search model's SQL. Where and when share one B-tree: a grid cell of half a degree (about 55 km) and the start
/// date, covering the columns every filter of the common searches reads, so "a month in this area" is a few short
/// index-only range scans (one per cell of the area) instead of every incident of the month or of the area. A
/// second covering index serves searches by time alone. Other filters run on what the index returns; the page is
/// then loaded by id.
/// </summary>
public sealed class IncidentSearch
{
    public const string WhereWhenIndex = "incident_search_where_when";
    public const string WhenIndex = "incident_search_when";
    public const string EventsTimestampIndex = "incident_events_timestamp";

    /// <summary>The grid cell of an incident's coordinates; the query must repeat the expression exactly.</summary>
    public const string CellKey = "((floor(latitude * 2)::int + 200) * 1000 + floor(longitude * 2)::int + 400)";
    private const string Covered = "include (id, date_end, latitude, longitude, retracted, event_type)";

    // More cells than this (a box of about 20 by 20 degrees) and the box is checked on the rows the dates select.
    private const int MaxCells = 1_600;

    /// <summary>The cell <see cref="CellKey"/> computes for a point.</summary>
    public static int Cell(double latitude, double longitude) => Cell((int)Math.Floor(latitude * 2), (int)Math.Floor(longitude * 2));

    private static int Cell(int row, int column) => (row + 200) * 1000 + column + 400;

    private readonly StringBuilder _where = new("not retracted");
    private readonly List<object> _parameters = [];

    /// <summary>Incidents whose date range overlaps [from, to] (either end open).</summary>
    public IncidentSearch During(DateOnly? from, DateOnly? to)
    {
        if (from is { } f)
        {
            // An incident spans at most MaxIncidentDays: the bound lets the start date's index do the work.
            Where("date_end >= @ and date_start >= @", f, f.AddDays(-IncidentLedger.MaxIncidentDays));
        }
        if (to is { } t)
        {
            Where("date_start <= @", t);
        }
        return this;
    }

    /// <summary>Incidents placed inside the box (edges included); incidents without a place never match.</summary>
    public IncidentSearch Within(double minLatitude, double maxLatitude, double minLongitude, double maxLongitude)
    {
        minLatitude = Math.Max(-90, minLatitude);
        maxLatitude = Math.Min(90, maxLatitude);
        minLongitude = Math.Max(-180, minLongitude);
        maxLongitude = Math.Min(180, maxLongitude);
        int firstRow = (int)Math.Floor(minLatitude * 2), lastRow = (int)Math.Floor(maxLatitude * 2);
        int firstColumn = (int)Math.Floor(minLongitude * 2), lastColumn = (int)Math.Floor(maxLongitude * 2);
        if ((long)(lastRow - firstRow + 1) * (lastColumn - firstColumn + 1) <= MaxCells)
        {
            var cells = new List<int>();
            for (var row = firstRow; row <= lastRow; row++)
            {
                for (var column = firstColumn; column <= lastColumn; column++)
                {
                    cells.Add(Cell(row, column));
                }
            }
            Where($"{CellKey} = any(@)", cells.ToArray());
        }
        return Where("latitude between @ and @ and longitude between @ and @", minLatitude, maxLatitude, minLongitude, maxLongitude);
    }

    /// <summary>Incidents within <paramref name="kilometers"/> of a point (great-circle distance, as the ledger measures).</summary>
    public IncidentSearch Near(double latitude, double longitude, double kilometers)
    {
        // The box around the circle goes to the index; the exact distance is checked on what it returns.
        var latDelta = kilometers / 111.0;
        var lonDelta = kilometers / (111.0 * Math.Max(0.01, Math.Cos(latitude * Math.PI / 180)));
        Within(latitude - latDelta, latitude + latDelta, longitude - lonDelta, longitude + lonDelta);
        return Where(
            "2 * 6371.0088 * asin(least(1, sqrt(power(sin(radians(latitude - @) / 2), 2) " +
            "+ cos(radians(@)) * cos(radians(latitude)) * power(sin(radians(longitude - @) / 2), 2)))) <= @",
            latitude, latitude, longitude, kilometers);
    }

    /// <summary>An extra condition in SQL, with <c>@</c> for each parameter in order.</summary>
    public IncidentSearch Where(string condition, params object[] parameters)
    {
        var parts = condition.Split('@');
        if (parts.Length != parameters.Length + 1)
        {
            throw new ArgumentException($"'{condition}' has {parts.Length - 1} placeholders for {parameters.Length} parameters.");
        }
        _where.Append(" and (").Append(parts[0]);
        for (var i = 0; i < parameters.Length; i++)
        {
            _parameters.Add(parameters[i]);
            _where.Append('$').Append(_parameters.Count).Append(parts[i + 1]);
        }
        _where.Append(')');
        return this;
    }

    public IncidentSearch EventType(string eventType) => Where("event_type = @", eventType);

    public IncidentSearch Json(string path, string value) => Where($"data #>> '{{{path}}}' = @", value);

    public IncidentSearch JsonArrayContains(string property, string value) => Where($"jsonb_exists(data -> '{property}', @)", value);

    /// <summary>Every word appears in the titles, evidence or place names (case-insensitive).</summary>
    public IncidentSearch Words(string text)
    {
        foreach (var word in text.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            Where(@"data ->> 'SearchText' like @ escape '\'", "%" + word.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_") + "%");
        }
        return this;
    }

    public enum Order
    {
        /// <summary>By id: stable while incidents are added.</summary>
        Id,
        /// <summary>By start date, newest first, then by id (descending).</summary>
        NewestFirst,
        /// <summary>By start date, oldest first, then by id.</summary>
        OldestFirst,
    }

    /// <summary>Where the previous page ended: its last incident's id and start date.</summary>
    public sealed record Cursor(Guid Id, DateOnly DateStart);

    /// <summary>The SQL for one page of ids after <paramref name="after"/>, in id order, and its parameters.</summary>
    public (string Sql, IReadOnlyList<object> Parameters) PageSql(string table, Guid? after, int limit) =>
        PageSql(table, Order.Id, after is { } id ? new Cursor(id, default) : null, limit);

    /// <summary>The SQL for one page of ids after <paramref name="after"/> in <paramref name="order"/>, and its parameters.</summary>
    public (string Sql, IReadOnlyList<object> Parameters) PageSql(string table, Order order, Cursor? after, int limit)
    {
        var parameters = new List<object>(_parameters);
        var where = new StringBuilder(_where.ToString());
        if (after is { } last)
        {
            parameters.Add(last.Id);
            if (order == Order.Id)
            {
                where.Append($" and id > ${parameters.Count}");
            }
            else
            {
                parameters.Add(last.DateStart);
                where.Append($" and (date_start, id) {(order == Order.NewestFirst ? "<" : ">")} (${parameters.Count}, ${parameters.Count - 1})");
            }
        }
        parameters.Add(limit);
        var orderBy = order switch
        {
            Order.NewestFirst => "date_start desc, id desc",
            Order.OldestFirst => "date_start, id",
            _ => "id",
        };
        return ($"select id from {table} where {where} order by {orderBy} limit ${parameters.Count}", parameters);
    }

    /// <summary>Up to <paramref name="limit"/> matching incidents after <paramref name="after"/>, in id order.</summary>
    public Task<IReadOnlyList<IncidentDetails>> PageAsync(IQuerySession session, Guid? after, int limit, CancellationToken cancellationToken) =>
        PageAsync(session, Order.Id, after is { } id ? new Cursor(id, default) : null, limit, cancellationToken);

    /// <summary>Up to <paramref name="limit"/> matching incidents after <paramref name="after"/> in <paramref name="order"/>.</summary>
    public async Task<IReadOnlyList<IncidentDetails>> PageAsync(IQuerySession session, Order order, Cursor? after, int limit,
        CancellationToken cancellationToken)
    {
        var (sql, parameters) = PageSql(TableName(session.DocumentStore), order, after, limit);
        var ids = new List<Guid>(limit);
        await using (var command = new NpgsqlCommand(sql))
        {
            foreach (var parameter in parameters)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = parameter });
            }
            await using var reader = await session.ExecuteReaderAsync(command, cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetGuid(0));
            }
        }
        if (ids.Count == 0)
        {
            return [];
        }
        // In the database's order (the cursor's); an incident removed in between is skipped.
        var loaded = (await session.LoadManyAsync<IncidentDetails>(cancellationToken, ids)).ToDictionary(x => x.Id);
        return ids.Where(loaded.ContainsKey).Select(id => loaded[id]).ToList();
    }

    public static string TableName(IDocumentStore store) =>
        store.Options.FindOrResolveDocumentType(typeof(IncidentDetails)).TableName.QualifiedName;

    /// <summary>Creates the search indexes if missing (idempotent, safe when several instances start at once).</summary>
    public static Task EnsureIndexesAsync(IDocumentStore store, CancellationToken cancellationToken)
    {
        var table = TableName(store);
        return ReadModelSchema.RunAsync(store,
            "select pg_advisory_xact_lock(hashtext('platform-incident-search-indexes')); " +
            $"create index if not exists {WhereWhenIndex} on {table} ({CellKey}, date_start) {Covered}; " +
            $"create index if not exists {WhenIndex} on {table} (date_start) {Covered}; " +
            // As-of searches look up what changed after a moment.
            $"create index if not exists {EventsTimestampIndex} on {store.Options.Events.DatabaseSchemaName}.mt_events (timestamp) include (type, stream_id);",
            cancellationToken);
    }
}

/// <summary>
/// Creates what Marten does not manage when the Query service starts (after Marten has created its tables): the
/// search indexes and the daily-counts table with its trigger.
/// </summary>
public sealed class ReadModelSchema(IDocumentStore store, ILogger<ReadModelSchema> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await IncidentSearch.EnsureIndexesAsync(store, cancellationToken);
        await DailyCounts.EnsureAsync(store, cancellationToken);
        logger.LogInformation("Search indexes and daily counts ready in {Milliseconds} ms", clock.ElapsedMilliseconds);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs a DDL script against the Query schema once Marten's tables exist, surfacing an error in any statement.</summary>
    public static async Task RunAsync(IDocumentStore store, string sql, CancellationToken cancellationToken)
    {
        await store.Storage.Database.EnsureStorageExistsAsync(typeof(IncidentDetails), cancellationToken);
        await using var session = store.LightweightSession();
        await using var command = new NpgsqlCommand(sql);
        await using var reader = await session.ExecuteReaderAsync(command, cancellationToken);
        while (await reader.NextResultAsync(cancellationToken))
        {
        }
    }
}
