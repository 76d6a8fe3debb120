using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Marten;
using Platform.Query.V1;

namespace Platform.Query.Incidents;

/// <summary>gRPC reads of the incident record.</summary>
public sealed class IncidentQueryService(IQuerySession session, IDocumentStore store, IConfiguration configuration, ILogger<IncidentQueryService> logger)
    : IncidentQuery.IncidentQueryBase
{
    public const int MaxCountDays = 366;

    public override async Task<CountIncidentsByDayResponse> CountIncidentsByDay(CountIncidentsByDayRequest request, ServerCallContext context)
    {
        var from = ParseDate(request.FromDate, "from_date");
        var to = ParseDate(request.ToDate, "to_date");
        if (to < from || to.DayNumber - from.DayNumber >= MaxCountDays)
        {
            throw Invalid($"to_date must be on or after from_date, at most {MaxCountDays} days later.");
        }
        var counts = (await DailyCounts.ReadAsync(session, from, to, request.CountryCode.Length > 0 ? request.CountryCode : null,
                request.EventType.Length > 0 ? request.EventType : null, context.CancellationToken))
            .Select(row => new DailyCount
            {
                Day = Day(row.Day),
                CountryCode = row.CountryCode,
                Admin1Code = row.Admin1Code,
                Admin1Name = row.Admin1Name,
                EventType = row.EventType,
                Incidents = row.Incidents,
            });
        var response = new CountIncidentsByDayResponse();
        response.Counts.AddRange(counts);
        return response;
    }

    public override async Task<RebuildProjectionsResponse> RebuildProjections(RebuildProjectionsRequest request, ServerCallContext context)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using (var daemon = await store.BuildProjectionDaemonAsync())
        {
            await daemon.RebuildProjectionAsync<IncidentDetailsProjection>(context.CancellationToken);
        }
        var incidents = await session.Query<IncidentDetails>().CountAsync(context.CancellationToken);
        logger.LogInformation("Rebuilt the incident read model: {Incidents} incidents in {Seconds:F1} s", incidents, clock.Elapsed.TotalSeconds);
        return new RebuildProjectionsResponse { Incidents = incidents, Seconds = clock.Elapsed.TotalSeconds };
    }

    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;

    private const int EventBatch = 5_000;
    /// <summary>How many incidents one as-of search call rebuilds at most (<c>Query:MaxAsOfRebuilds</c>).</summary>
    private int MaxAsOfRebuilds
    {
        get
        {
            var limit = configuration.GetValue("Query:MaxAsOfRebuilds", 2_000);
            return limit >= 1 ? limit : throw new InvalidOperationException($"Query:MaxAsOfRebuilds must be 1 or more, not {limit}.");
        }
    }
    private static readonly TimeSpan FollowPollInterval = TimeSpan.FromMilliseconds(25);
    private static readonly Dictionary<string, string> ChangeNames = new(StringComparer.Ordinal)
    {
        ["incident_reported"] = "reported",
        ["incident_corroborated"] = "corroborated",
        ["incident_revised"] = "revised",
        ["incident_retracted"] = "retracted",
    };

    public override async Task<Incident> GetIncident(GetIncidentRequest request, ServerCallContext context)
    {
        var id = ParseGuid(request.IncidentId, "incident_id");
        var incident = request.AsOf is { } asOf
            // Rebuilt from the incident's events up to that moment: what the ledger knew then.
            ? await session.Events.AggregateStreamAsync<IncidentDetails>(id, timestamp: asOf.ToDateTimeOffset(), token: context.CancellationToken)
            : await session.LoadAsync<IncidentDetails>(id, context.CancellationToken);
        return incident is null
            ? throw new RpcException(new Status(StatusCode.NotFound, request.AsOf is null ? $"No incident {id}." : $"No incident {id} as of {request.AsOf}."))
            : ToProto(incident);
    }

    public override async Task<GetIncidentHistoryResponse> GetIncidentHistory(GetIncidentHistoryRequest request, ServerCallContext context)
    {
        var id = ParseGuid(request.IncidentId, "incident_id");
        var events = await StoredEventsAsync("stream_id = $1 order by version", [id], context.CancellationToken);
        if (events.Count == 0)
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"No incident {id}."));
        }
        var response = new GetIncidentHistoryResponse();
        response.Events.AddRange(events);
        return response;
    }

    public override async Task ReadEvents(ReadEventsRequest request, IServerStreamWriter<LedgerEvent> responseStream, ServerCallContext context)
    {
        if (request.FromPosition < 0)
        {
            throw Invalid("from_position must be 0 or more.");
        }
        var types = request.EventTypes.Distinct(StringComparer.Ordinal).ToArray();
        // Writes within a page are buffered; the last of each page flushes.
        var buffered = new WriteOptions(WriteFlags.BufferHint);
        await foreach (var page in PagesAsync(request.FromPosition, request.Follow, types, withData: true, context.CancellationToken))
        {
            for (var i = 0; i < page.Count; i++)
            {
                responseStream.WriteOptions = i < page.Count - 1 ? buffered : null;
                await responseStream.WriteAsync(page[i], context.CancellationToken);
            }
        }
    }

    /// <summary>
    /// The stored events after <paramref name="position"/> of the given types (all when none), in ledger order, in
    /// pages of up to <see cref="EventBatch"/> straight from the events table; with <paramref name="follow"/>, polls
    /// for new ones until cancelled. Every type is read so that a follower's cursor sees gaps in the positions (a lower
    /// position may still be committing: the cursor waits there); only the wanted types' JSON leaves the database.
    /// </summary>
    private async IAsyncEnumerable<List<LedgerEvent>> PagesAsync(long position, bool follow, string[] types, bool withData,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var cursor = new LedgerCursor(position, waitAtGaps: follow);
        while (!cancellationToken.IsCancellationRequested)
        {
            var page = await StoredEventsAsync("seq_id > $1 order by seq_id limit $2", [cursor.Position, EventBatch], cancellationToken,
                types, withData);
            var ready = cursor.Accept(page.Select(e => e.Position).ToList());
            var wanted = page.Take(ready).Where(e => types.Length == 0 || types.Contains(e.Type, StringComparer.Ordinal)).ToList();
            if (wanted.Count > 0)
            {
                yield return wanted;
            }
            if (page.Count == EventBatch && ready == page.Count)
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

    public override async Task<GetLedgerPositionResponse> GetLedgerPosition(GetLedgerPositionRequest request, ServerCallContext context) =>
        new() { Position = await LedgerEndAsync(context.CancellationToken) };

    /// <summary>The last global position in the ledger (0 when empty).</summary>
    private async Task<long> LedgerEndAsync(CancellationToken cancellationToken)
    {
        await using var command = new Npgsql.NpgsqlCommand($"select coalesce(max(seq_id), 0) from {store.Options.Events.DatabaseSchemaName}.mt_events");
        await using var reader = await session.ExecuteReaderAsync(command, cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.GetInt64(0);
    }

    /// <summary>
    /// Stored events as the API shows them, straight from the events table: the JSON as stored (the same text in
    /// every call), no round trip through the event types.
    /// </summary>
    private async Task<List<LedgerEvent>> StoredEventsAsync(string condition, object[] parameters, CancellationToken cancellationToken,
        string[]? types = null, bool withData = true)
    {
        var events = new List<LedgerEvent>();
        // With types, the JSON of the other events stays in the database (their data_json is empty); without data, all.
        var data = !withData ? "''" : types is { Length: > 0 } ? $"case when type = any(${parameters.Length + 1}) then data::text else '' end" : "data::text";
        await using var command = new Npgsql.NpgsqlCommand(
            $"select seq_id, stream_id, type, timestamp, version, {data} from {store.Options.Events.DatabaseSchemaName}.mt_events where {condition}");
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = parameter });
        }
        if (withData && types is { Length: > 0 })
        {
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = types });
        }
        await using var reader = await session.ExecuteReaderAsync(command, cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new LedgerEvent
            {
                Position = reader.GetInt64(0),
                IncidentId = reader.GetGuid(1).ToString(),
                Type = reader.GetString(2),
                Timestamp = Timestamp.FromDateTimeOffset(reader.GetFieldValue<DateTimeOffset>(3)),
                Version = reader.GetInt64(4),
                DataJson = reader.GetString(5),
            });
        }
        return events;
    }

    public override async Task WatchIncidents(WatchIncidentsRequest request, IServerStreamWriter<IncidentChange> responseStream, ServerCallContext context)
    {
        if (request.FromPosition < 0)
        {
            throw Invalid("from_position must be 0 or more.");
        }
        var filter = request.Filter;
        if (filter is not null)
        {
            ValidateFilter(filter);
        }
        var start = request.FromNow ? await LedgerEndAsync(context.CancellationToken) : request.FromPosition;
        // The request's own event type and box, and its search filter; a retraction matches on everything else.
        var own = new SearchIncidentsRequest { EventType = request.EventType, BoundingBox = request.BoundingBox };
        bool Wanted(IncidentDetails incident) =>
            Matches(incident, own, includeRetracted: true) && (filter is null || Matches(incident, filter, includeRetracted: true));
        await foreach (var page in PagesAsync(start, follow: true, [.. ChangeNames.Keys], withData: false, context.CancellationToken))
        {
            foreach (var stored in page)
            {
                var change = ChangeNames[stored.Type];
                var id = Guid.Parse(stored.IncidentId);
                // The incident as this change left it: the read model when the change is the latest (a live watcher),
                // rebuilt from its events up to the change otherwise (catching up).
                var incident = await session.LoadAsync<IncidentDetails>(id, context.CancellationToken);
                if (incident is not null && incident.Version != stored.Version)
                {
                    incident = await session.Events.AggregateStreamAsync<IncidentDetails>(id, version: stored.Version, token: context.CancellationToken);
                }
                if (incident is null)
                {
                    continue;
                }
                // A change that takes an incident out of the filter (a revision that moves it, a retraction) is news
                // to the watcher too: sent when the incident matches after the change or matched before it.
                if (!Wanted(incident) && (change is "reported" or "corroborated"
                    || await session.Events.AggregateStreamAsync<IncidentDetails>(id, version: stored.Version - 1, token: context.CancellationToken)
                        is not { } before || !Wanted(before)))
                {
                    continue;
                }
                await responseStream.WriteAsync(new IncidentChange { Position = stored.Position, Change = change, Incident = ToProto(incident) },
                    context.CancellationToken);
            }
        }
    }

    public override async Task<SearchIncidentsResponse> SearchIncidents(SearchIncidentsRequest request, ServerCallContext context)
    {
        var pageSize = request.PageSize switch
        {
            0 => DefaultPageSize,
            < 0 or > MaxPageSize => throw Invalid($"page_size must be between 1 and {MaxPageSize}."),
            var size => size,
        };
        // Retracted incidents stay readable by id and in the history, not in search.
        var search = new IncidentSearch();
        if (request.ArticleId.Length > 0)
        {
            var articleId = ParseGuid(request.ArticleId, "article_id");
            var contributions = await session.LoadAsync<ArticleIncidents>(articleId, context.CancellationToken);
            // The article's incidents that still name it (a retraction withdraws the article from an incident).
            search.Where("id = any(@)", contributions?.IncidentIds.ToArray() ?? [])
                .JsonArrayContains("ArticleIds", articleId.ToString());
        }
        DateOnly? from = request.FromDate.Length > 0 ? ParseDate(request.FromDate, "from_date") : null;
        DateOnly? to = request.ToDate.Length > 0 ? ParseDate(request.ToDate, "to_date") : null;
        search.During(from, to);
        if (request.EventType.Length > 0)
        {
            search.EventType(request.EventType);
        }
        if (request.BoundingBox is { } box)
        {
            if (box.MinLatitude > box.MaxLatitude || box.MinLongitude > box.MaxLongitude
                || box.MinLatitude < -90 || box.MaxLatitude > 90 || box.MinLongitude < -180 || box.MaxLongitude > 180)
            {
                throw Invalid("bounding_box needs -90 <= min_latitude <= max_latitude <= 90 and -180 <= min_longitude <= max_longitude <= 180.");
            }
            search.Within(box.MinLatitude, box.MaxLatitude, box.MinLongitude, box.MaxLongitude);
        }
        if (request.SubEventType.Length > 0)
        {
            search.Json("SubEventType", request.SubEventType);
        }
        if (request.ActorId.Length > 0)
        {
            search.JsonArrayContains("ActorIds", request.ActorId);
        }
        if (request.MaxPrecision is < 0 or > 3)
        {
            throw Invalid("max_precision must be 0 (any), 1, 2 or 3.");
        }
        if (request.MaxPrecision > 0)
        {
            search.Where("(data #>> '{Place,Precision}')::int <= @", request.MaxPrecision);
        }
        if (request.CountryCode.Length > 0)
        {
            search.Json("Place,CountryCode", request.CountryCode);
        }
        if (request.Admin1Code.Length > 0)
        {
            search.Json("Place,Admin1Code", request.Admin1Code);
        }
        search.Words(request.Text);
        if (request.Radius is { } radius)
        {
            if (radius.Kilometers is <= 0 or > 20_000 || radius.Latitude is < -90 or > 90 || radius.Longitude is < -180 or > 180)
            {
                throw Invalid("radius needs a latitude, a longitude and 0 < kilometers <= 20000.");
            }
            search.Near(radius.Latitude, radius.Longitude, radius.Kilometers);
        }
        var order = request.Order switch
        {
            SearchOrder.Unspecified => IncidentSearch.Order.Id,
            SearchOrder.NewestFirst => IncidentSearch.Order.NewestFirst,
            SearchOrder.OldestFirst => IncidentSearch.Order.OldestFirst,
            _ => throw Invalid($"order {request.Order} is not one of SEARCH_ORDER_UNSPECIFIED, SEARCH_ORDER_NEWEST_FIRST, SEARCH_ORDER_OLDEST_FIRST."),
        };
        if (request.AsOf is not null && order != IncidentSearch.Order.Id)
        {
            throw Invalid("as_of searches are in id order: leave order unset.");
        }
        // The cursor is where the previous page ended (its last id, and start date when ordered by date): pages stay
        // stable while incidents are added.
        var after = request.PageToken.Length > 0 ? ParseCursor(request.PageToken, order) : null;
        Guid? resumeAfter = null;
        IReadOnlyList<IncidentDetails> page;
        if (request.AsOf is { } asOf)
        {
            (page, resumeAfter) = await SearchAsOfAsync(search, request, asOf.ToDateTimeOffset(), after?.Id, pageSize + 1, context.CancellationToken);
        }
        else
        {
            page = await search.PageAsync(session, order, after, pageSize + 1, context.CancellationToken);
        }
        var response = new SearchIncidentsResponse();
        response.Incidents.AddRange(page.Take(pageSize).Select(ToProto));
        if (resumeAfter is { } resume && page.Count <= pageSize)
        {
            // The as-of search stopped at its work limit: the next page goes on from the last incident it looked at.
            response.NextPageToken = resume.ToString();
        }
        else if (page.Count > pageSize)
        {
            var last = page[pageSize - 1];
            response.NextPageToken = order == IncidentSearch.Order.Id ? last.Id.ToString() : $"{Day(last.DateStart)}_{last.Id}";
        }
        return response;
    }

    /// <summary>
    /// A search as known at <paramref name="asOf"/>. Candidates are the incidents matching now plus every incident
    /// revised or retracted since (the only events that can take an incident out of a search; corroborations only
    /// add actors and sources). Each candidate is rebuilt from its events up to that moment and checked again.
    /// </summary>
    private async Task<(List<IncidentDetails> Page, Guid? ResumeAfter)> SearchAsOfAsync(IncidentSearch search, SearchIncidentsRequest request,
        DateTimeOffset asOf, Guid? after, int limit, CancellationToken cancellationToken)
    {
        const int Batch = 200;
        var rebuilt = 0;
        Guid? lastExamined = null;
        var page = new List<IncidentDetails>(limit);
        var cursor = after;
        while (page.Count < limit)
        {
            var matchingNow = await search.PageAsync(session, cursor, Batch, cancellationToken);
            // Candidates up to the last id this batch covers (all of them when the batch is the last) ...
            var bound = matchingNow.Count == Batch ? matchingNow[^1].Id : (Guid?)null;
            var changed = await ChangedSinceAsync(asOf, cursor, bound, MaxAsOfRebuilds + 1, cancellationToken);
            if (changed.Count > MaxAsOfRebuilds)
            {
                // ... or up to the last changed incident read, when more changed than one call may rebuild.
                bound = bound is { } b && b.CompareTo(changed[^1]) < 0 ? b : changed[^1];
            }
            var candidates = matchingNow.Select(x => x.Id).Where(id => bound is null || id.CompareTo(bound.Value) <= 0)
                .Concat(changed.Where(id => bound is null || id.CompareTo(bound.Value) <= 0))
                .Distinct().Order().ToList();
            foreach (var id in candidates)
            {
                if (rebuilt++ == MaxAsOfRebuilds)
                {
                    // Bounded work per call (after a full reprocess nearly every incident changed since): a short
                    // page and a token to go on from here.
                    return (page, lastExamined);
                }
                lastExamined = id;
                var then = await session.Events.AggregateStreamAsync<IncidentDetails>(id, timestamp: asOf, token: cancellationToken);
                if (then is not null && Matches(then, request))
                {
                    page.Add(then);
                    if (page.Count == limit)
                    {
                        break;
                    }
                }
            }
            if (bound is null)
            {
                break;
            }
            cursor = bound;
        }
        return (page, null);
    }

    /// <summary>Incidents revised or retracted after <paramref name="asOf"/>, ids in (after, upTo], in id order.</summary>
    private async Task<List<Guid>> ChangedSinceAsync(DateTimeOffset asOf, Guid? after, Guid? upTo, int limit, CancellationToken cancellationToken)
    {
        var ids = new List<Guid>();
        await using var command = new Npgsql.NpgsqlCommand(
            $"select distinct stream_id from {store.Options.Events.DatabaseSchemaName}.mt_events " +
            "where timestamp > $1 and type in ('incident_revised', 'incident_retracted') and ($2::uuid is null or stream_id > $2) " +
            "and ($3::uuid is null or stream_id <= $3) order by stream_id limit $4");
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = asOf });
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = after.HasValue ? after.Value : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = upTo.HasValue ? upTo.Value : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = limit });
        await using var reader = await session.ExecuteReaderAsync(command, cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetGuid(0));
        }
        return ids;
    }

    /// <summary>The search filters in code, for states rebuilt from events (the same rules as the SQL).</summary>
    private static bool Matches(IncidentDetails incident, SearchIncidentsRequest request, bool includeRetracted = false)
    {
        var place = incident.Place;
        var box = request.BoundingBox;
        var radius = request.Radius;
        return (includeRetracted || !incident.Retracted)
            && (request.ArticleId.Length == 0 || incident.ArticleIds.Contains(Guid.Parse(request.ArticleId)))
            && (request.FromDate.Length == 0 || incident.DateEnd >= ParseDate(request.FromDate, "from_date"))
            && (request.ToDate.Length == 0 || incident.DateStart <= ParseDate(request.ToDate, "to_date"))
            && (request.EventType.Length == 0 || incident.EventType == request.EventType)
            && (request.SubEventType.Length == 0 || incident.SubEventType == request.SubEventType)
            && (request.ActorId.Length == 0 || incident.ActorIds.Contains(request.ActorId))
            && (box is null || place is not null && place.Latitude >= box.MinLatitude && place.Latitude <= box.MaxLatitude
                && place.Longitude >= box.MinLongitude && place.Longitude <= box.MaxLongitude)
            && (request.MaxPrecision == 0 || place is not null && place.Precision <= request.MaxPrecision)
            && (request.CountryCode.Length == 0 || place?.CountryCode == request.CountryCode)
            && (request.Admin1Code.Length == 0 || place?.Admin1Code == request.Admin1Code)
            && request.Text.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries).All(incident.SearchText.Contains)
            && (radius is null || place is not null
                && IncidentLedger.DistanceKm(place, place with { Latitude = radius.Latitude, Longitude = radius.Longitude }) <= radius.Kilometers);
    }

    /// <summary>Rejects a watch filter that a search would reject, before the stream starts.</summary>
    private static void ValidateFilter(SearchIncidentsRequest filter)
    {
        if (filter.ArticleId.Length > 0)
        {
            ParseGuid(filter.ArticleId, "filter.article_id");
        }
        if (filter.FromDate.Length > 0)
        {
            ParseDate(filter.FromDate, "filter.from_date");
        }
        if (filter.ToDate.Length > 0)
        {
            ParseDate(filter.ToDate, "filter.to_date");
        }
        if (filter.MaxPrecision is < 0 or > 3)
        {
            throw Invalid("filter.max_precision must be 0 (any), 1, 2 or 3.");
        }
        if (filter.Radius is { } radius && (radius.Kilometers is <= 0 or > 20_000 || radius.Latitude is < -90 or > 90 || radius.Longitude is < -180 or > 180))
        {
            throw Invalid("filter.radius needs a latitude, a longitude and 0 < kilometers <= 20000.");
        }
    }

    private static IncidentSearch.Cursor ParseCursor(string token, IncidentSearch.Order order)
    {
        if (order == IncidentSearch.Order.Id)
        {
            return new IncidentSearch.Cursor(ParseGuid(token, "page_token"), default);
        }
        var parts = token.Split('_');
        return parts.Length == 2
            && DateOnly.TryParseExact(parts[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            && Guid.TryParse(parts[1], out var id)
                ? new IncidentSearch.Cursor(id, day)
                : throw Invalid($"page_token '{token}' is not a token of this order: pass next_page_token back with the same order.");
    }

    private static Guid ParseGuid(string value, string field) =>
        Guid.TryParse(value, out var id) ? id : throw Invalid($"{field} '{value}' is not a UUID.");

    private static DateOnly ParseDate(string value, string field) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw Invalid($"{field} '{value}' is not a date: use YYYY-MM-DD.");

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));

    internal static Incident ToProto(IncidentDetails incident)
    {
        var proto = new Incident
        {
            IncidentId = incident.Id.ToString(),
            EventType = incident.EventType,
            SubEventType = incident.SubEventType,
            DateStart = Day(incident.DateStart),
            DateEnd = Day(incident.DateEnd),
            Fatalities = incident.Fatalities,
            Arrests = incident.Arrests,
            FirstReportedAt = Timestamp.FromDateTimeOffset(incident.FirstReportedAt),
            Version = incident.Version,
            Retracted = incident.Retracted,
        };
        proto.Actors.AddRange(incident.Actors.Select(a => new Actor { ActorId = a.ActorId, Alias = a.Alias }));
        if (incident.Place is { } place)
        {
            proto.Place = new Place
            {
                Name = place.Name,
                GeonameId = place.GeonameId ?? 0,
                Latitude = place.Latitude,
                Longitude = place.Longitude,
                Precision = place.Precision,
                CountryCode = place.CountryCode,
                Admin1Code = place.Admin1Code ?? "",
                Admin1Name = place.Admin1Name ?? "",
                Admin2Code = place.Admin2Code ?? "",
                Admin2Name = place.Admin2Name ?? "",
                MatchedText = place.MatchedText,
                Confidence = place.Confidence,
                Rule = place.Rule ?? "",
                RunnersUp = place.RunnersUp ?? "",
                Mention = place.Mention ?? "",
            };
        }
        proto.Sources.AddRange(incident.Sources.Select(s => new Source
        {
            ArticleId = s.ArticleId.ToString(),
            Title = s.Title,
            Url = s.Url ?? "",
            SourceName = s.SourceName ?? "",
            Language = s.Language,
            PublishedOn = Day(s.PublishedOn),
            ExtractorVersion = s.ExtractorVersion,
            Evidence = new Evidence { Start = s.Evidence.Start, Length = s.Evidence.Length, Text = s.Evidence.Text },
            SourceCue = s.SourceCue ?? "",
        }));
        return proto;
    }

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
