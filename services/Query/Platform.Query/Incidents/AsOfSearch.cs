using Marten;

namespace Platform.Query.Incidents;

/// <summary>
/// A search as the ledger knew it at a moment. Candidates are the incidents matching now plus every incident revised
/// or retracted since (the only events that can take an incident out of a search; corroborations only add actors and
/// sources). Each candidate is rebuilt from its events up to that moment and checked again with the filter in code.
/// The work per call is bounded: after <paramref name="maxRebuilds"/> rebuilds the page is short and says where to go on.
/// </summary>
internal sealed class AsOfSearch(IQuerySession session, LedgerReader ledger, int maxRebuilds)
{
    private const int Batch = 200;

    public async Task<(List<IncidentDetails> Page, Guid? ResumeAfter)> PageAsync(IncidentSearch search, IncidentFilter filter,
        DateTimeOffset asOf, Guid? after, int limit, CancellationToken cancellationToken)
    {
        var rebuilt = 0;
        Guid? lastExamined = null;
        var page = new List<IncidentDetails>(limit);
        var cursor = after;
        while (page.Count < limit)
        {
            var matchingNow = await search.PageAsync(session, cursor, Batch, cancellationToken);
            // Candidates up to the last id this batch covers (all of them when the batch is the last) ...
            var bound = matchingNow.Count == Batch ? matchingNow[^1].Id : (Guid?)null;
            var changed = await ledger.ChangedSinceAsync(asOf, cursor, bound, maxRebuilds + 1, cancellationToken);
            if (changed.Count > maxRebuilds)
            {
                // ... or up to the last changed incident read, when more changed than one call may rebuild.
                bound = bound is { } b && b.CompareTo(changed[^1]) < 0 ? b : changed[^1];
            }
            var candidates = matchingNow.Select(x => x.Id).Where(id => bound is null || id.CompareTo(bound.Value) <= 0)
                .Concat(changed.Where(id => bound is null || id.CompareTo(bound.Value) <= 0))
                .Distinct().Order().ToList();
            foreach (var id in candidates)
            {
                if (rebuilt++ == maxRebuilds)
                {
                    // Bounded work per call (after a full reprocess nearly every incident changed since): a short
                    // page and a token to go on from here.
                    return (page, lastExamined);
                }
                lastExamined = id;
                var then = await session.Events.AggregateStreamAsync<IncidentDetails>(id, timestamp: asOf, token: cancellationToken);
                if (then is not null && filter.Matches(then))
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
}
