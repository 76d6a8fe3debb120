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
public sealed class IncidentSearch(bool includeRetracted = false)
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

    /// <summary>Every grid cell a box touches.</summary>
    public static IEnumerable<int> Cells(GeoBox box)
    {
        int firstRow = (int)Math.Floor(box.MinLatitude * 2), lastRow = (int)Math.Floor(box.MaxLatitude * 2);
        int firstColumn = (int)Math.Floor(box.MinLongitude * 2), lastColumn = (int)Math.Floor(box.MaxLongitude * 2);
        for (var row = firstRow; row <= lastRow; row++)
        {
            for (var column = firstColumn; column <= lastColumn; column++)
            {
                yield return Cell(row, column);
            }
        }
    }

    private readonly StringBuilder _where = new(includeRetracted ? "true" : "not retracted");
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
        int rows = (int)Math.Floor(maxLatitude * 2) - (int)Math.Floor(minLatitude * 2) + 1;
        int columns = (int)Math.Floor(maxLongitude * 2) - (int)Math.Floor(minLongitude * 2) + 1;
        if ((long)rows * columns <= MaxCells)
        {
            Where($"{CellKey} = any(@)", Cells(new GeoBox(minLatitude, maxLatitude, minLongitude, maxLongitude)).ToArray());
        }
        return Where("latitude between @ and @ and longitude between @ and @", minLatitude, maxLatitude, minLongitude, maxLongitude);
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

    /// <summary>
    /// The first page (in id order, up to <paramref name="limit"/>) of each search, in one round trip to the database
    /// (one command each, sent together on the session's open connection). For the ledger's candidates: what a batch
    /// of reports may corroborate.
    /// </summary>
    public static async Task<IReadOnlyList<IReadOnlyList<IncidentDetails>>> FirstPagesAsync(IDocumentSession session,
        IReadOnlyList<IncidentSearch> searches, int limit, CancellationToken cancellationToken)
    {
        if (searches.Count == 0)
        {
            return [];
        }
        var table = TableName(session.DocumentStore);
        var connection = session.Connection ?? throw new InvalidOperationException("The session has no open connection (begin its transaction first).");
        var pages = new List<List<Guid>>(searches.Count);
        await using (var batch = new NpgsqlBatch(connection))
        {
            foreach (var search in searches)
            {
                var (sql, parameters) = search.PageSql(table, after: null, limit);
                var command = new NpgsqlBatchCommand(sql);
                foreach (var parameter in parameters)
                {
                    command.Parameters.Add(new NpgsqlParameter { Value = parameter });
                }
                batch.BatchCommands.Add(command);
            }
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            do
            {
                var ids = new List<Guid>();
                while (await reader.ReadAsync(cancellationToken))
                {
                    ids.Add(reader.GetGuid(0));
                }
                pages.Add(ids);
            }
            while (await reader.NextResultAsync(cancellationToken));
        }
        var all = pages.SelectMany(p => p).Distinct().ToArray();
        var loaded = all.Length == 0 ? [] : (await session.LoadManyAsync<IncidentDetails>(cancellationToken, all)).ToDictionary(x => x.Id);
        return pages.Select(ids => (IReadOnlyList<IncidentDetails>)ids.Where(loaded.ContainsKey).Select(id => loaded[id]).ToList()).ToList();
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

