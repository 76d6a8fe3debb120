using Grpc.Core;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Platform.Query.V1;
using Platform.ServiceDefaults;
using static Platform.Query.Incidents.ProtoMapping;

namespace Platform.Query.Incidents;

/// <summary>
/// gRPC reads of the incident record: maps each request to a filter, the ledger reader or the read model, and the
/// answer back to proto (<see cref="ProtoMapping"/>).
/// </summary>
internal sealed class IncidentQueryService(IQuerySession session, IDocumentStore store, IOptions<QueryOptions> options, ILogger<IncidentQueryService> logger)
    : IncidentQuery.IncidentQueryBase
{
    public const int MaxCountDays = 366;
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;

    private readonly LedgerReader _ledger = new(session, store);

    [Authorize(Policy = PlatformScopes.Read)]
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

    [Authorize(Policy = PlatformScopes.Admin)]
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

    [Authorize(Policy = PlatformScopes.Read)]
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

    [Authorize(Policy = PlatformScopes.Read)]
    public override async Task<GetIncidentHistoryResponse> GetIncidentHistory(GetIncidentHistoryRequest request, ServerCallContext context)
    {
        var id = ParseGuid(request.IncidentId, "incident_id");
        var events = await _ledger.HistoryAsync(id, context.CancellationToken);
        if (events.Count == 0)
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"No incident {id}."));
        }
        var response = new GetIncidentHistoryResponse();
        response.Events.AddRange(events.Select(ToProto));
        return response;
    }

    [Authorize(Policy = PlatformScopes.Read)]
    public override async Task ReadEvents(ReadEventsRequest request, IServerStreamWriter<LedgerEvent> responseStream, ServerCallContext context)
    {
        if (request.FromPosition < 0)
        {
            throw Invalid("from_position must be 0 or more.");
        }
        var types = request.EventTypes.Distinct(StringComparer.Ordinal).ToArray();
        // Writes within a page are buffered; the last of each page flushes.
        var buffered = new WriteOptions(WriteFlags.BufferHint);
        using var bounded = BoundedStream(context);
        var last = request.FromPosition;
        try
        {
            await foreach (var page in _ledger.PagesAsync(request.FromPosition, request.Follow, types, withData: true, bounded.Token))
            {
                for (var i = 0; i < page.Count; i++)
                {
                    responseStream.WriteOptions = i < page.Count - 1 ? buffered : null;
                    await responseStream.WriteAsync(ToProto(page[i]), bounded.Token);
                    last = page[i].Position;
                }
            }
        }
        catch (OperationCanceledException) when (!context.CancellationToken.IsCancellationRequested)
        {
            throw StreamOver(last);
        }
        // The ledger's follower ends quietly when cancelled.
        if (bounded.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            throw StreamOver(last);
        }
    }

    /// <summary>The call's cancellation, plus <see cref="QueryOptions.MaxStreamDuration"/>.</summary>
    private CancellationTokenSource BoundedStream(ServerCallContext context)
    {
        var bounded = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        bounded.CancelAfter(options.Value.MaxStreamDuration);
        return bounded;
    }

    private RpcException StreamOver(long position) => new(new Status(StatusCode.Unavailable,
        $"The stream reached its longest duration ({options.Value.MaxStreamDuration}, Query:MaxStreamDuration); resume from position {position}."));

    [Authorize(Policy = PlatformScopes.Read)]
    public override async Task<GetLedgerPositionResponse> GetLedgerPosition(GetLedgerPositionRequest request, ServerCallContext context) =>
        new() { Position = await _ledger.EndAsync(context.CancellationToken) };

    [Authorize(Policy = PlatformScopes.Read)]
    public override async Task WatchIncidents(WatchIncidentsRequest request, IServerStreamWriter<IncidentChange> responseStream, ServerCallContext context)
    {
        if (request.FromPosition < 0)
        {
            throw Invalid("from_position must be 0 or more.");
        }
        var own = ToFilter(request);
        var filter = request.Filter is { } f ? ToFilter(f, "filter.", includeRetracted: true) : null;
        bool Wanted(IncidentDetails incident) => own.Matches(incident) && (filter is null || filter.Matches(incident));
        var start = request.FromNow ? await _ledger.EndAsync(context.CancellationToken) : request.FromPosition;
        using var bounded = BoundedStream(context);
        var last = start;
        try
        {
            await WatchAsync(start, Wanted, responseStream, position => last = position, bounded.Token);
        }
        catch (OperationCanceledException) when (!context.CancellationToken.IsCancellationRequested)
        {
            throw StreamOver(last);
        }
        if (bounded.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            throw StreamOver(last);
        }
    }

    private async Task WatchAsync(long start, Func<IncidentDetails, bool> wanted, IServerStreamWriter<IncidentChange> responseStream, Action<long> passed,
        CancellationToken cancellationToken)
    {
        await foreach (var page in _ledger.PagesAsync(start, follow: true, [.. LedgerReader.ChangeNames.Keys], withData: false, cancellationToken))
        {
            foreach (var stored in page)
            {
                var change = LedgerReader.ChangeNames[stored.Type];
                var id = stored.IncidentId;
                // The incident as this change left it: the read model when the change is the latest (a live watcher),
                // rebuilt from its events up to the change otherwise (catching up).
                var incident = await session.LoadAsync<IncidentDetails>(id, cancellationToken);
                if (incident is not null && incident.Version != stored.Version)
                {
                    incident = await session.Events.AggregateStreamAsync<IncidentDetails>(id, version: stored.Version, token: cancellationToken);
                }
                if (incident is null)
                {
                    passed(stored.Position);
                    continue;
                }
                // A change that takes an incident out of the filter (a revision that moves it, a retraction) is news
                // to the watcher too: sent when the incident matches after the change or matched before it.
                if (!wanted(incident) && (change is "reported" or "corroborated"
                    || await session.Events.AggregateStreamAsync<IncidentDetails>(id, version: stored.Version - 1, token: cancellationToken)
                        is not { } before || !wanted(before)))
                {
                    passed(stored.Position);
                    continue;
                }
                await responseStream.WriteAsync(new IncidentChange { Position = stored.Position, Change = change, Incident = ToProto(incident) },
                    cancellationToken);
                passed(stored.Position);
            }
        }
    }

    [Authorize(Policy = PlatformScopes.Read)]
    public override async Task<SearchIncidentsResponse> SearchIncidents(SearchIncidentsRequest request, ServerCallContext context)
    {
        var pageSize = request.PageSize switch
        {
            0 => DefaultPageSize,
            < 0 or > MaxPageSize => throw Invalid($"page_size must be between 1 and {MaxPageSize}."),
            var size => size,
        };
        // Retracted incidents stay readable by id and in the history, not in search.
        var filter = ToFilter(request);
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
        var articleIncidents = filter.ArticleId is { } articleId
            ? (await session.LoadAsync<ArticleIncidents>(articleId, context.CancellationToken))?.IncidentIds ?? []
            : null;
        var search = filter.ToSearch(articleIncidents);
        Guid? resumeAfter = null;
        IReadOnlyList<IncidentDetails> page;
        if (request.AsOf is { } asOf)
        {
            var asOfSearch = new AsOfSearch(session, _ledger, options.Value.MaxAsOfRebuilds);
            (page, resumeAfter) = await asOfSearch.PageAsync(search, filter, asOf.ToDateTimeOffset(), after?.Id, pageSize + 1, context.CancellationToken);
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

    private static IncidentSearch.Cursor ParseCursor(string token, IncidentSearch.Order order)
    {
        if (order == IncidentSearch.Order.Id)
        {
            return new IncidentSearch.Cursor(ParseGuid(token, "page_token"), default);
        }
        var parts = token.Split('_');
        return parts.Length == 2
            && DateOnly.TryParseExact(parts[0], "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var day)
            && Guid.TryParse(parts[1], out var id)
                ? new IncidentSearch.Cursor(id, day)
                : throw Invalid($"page_token '{token}' is not a token of this order: pass next_page_token back with the same order.");
    }
}

/// <summary>The Query service's settings (<c>Query</c> in configuration), validated at start.</summary>
public sealed class QueryOptions
{
    public const string Section = "Query";

    /// <summary>How many incidents one as-of search call rebuilds from their events at most.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, int.MaxValue)]
    public int MaxAsOfRebuilds { get; set; } = 2_000;

    /// <summary>
    /// How long one ReadEvents or WatchIncidents stream may stay open: past it the stream ends with UNAVAILABLE and
    /// the position to resume from, so no call holds a connection and a ledger cursor for ever.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan MaxStreamDuration { get; set; } = TimeSpan.FromHours(1);
}
