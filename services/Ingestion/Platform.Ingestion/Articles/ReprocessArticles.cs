using System.Diagnostics;
using System.Globalization;
using Marten;

namespace Platform.Ingestion.Articles;

/// <summary>
/// Marks stored articles for another pass through extraction: it appends <see cref="ArticleReprocessRequested"/> to
/// each article's stream, and the outbox publisher sends the article again. Nothing is published from here.
/// </summary>
public sealed class ReprocessArticlesHandler(IDocumentStore store, TimeProvider clock)
{
    public const int MaxArticlesPerRequest = 100_000;

    public sealed record Selection(IReadOnlyList<Guid> ArticleIds, DateOnly? From, DateOnly? To, bool All);

    public async Task<IReadOnlyList<Guid>> HandleAsync(Selection selection, CancellationToken cancellationToken)
    {
        if (selection.ArticleIds.Count == 0 && selection.From is null && selection.To is null && !selection.All)
        {
            throw new ArticleRejectedException(RejectionReasons.InvalidSelection, "Say which articles: article ids, a publication date range, or all.");
        }
        await using var session = store.LightweightSession();
        IReadOnlyList<Guid> ids;
        if (selection.ArticleIds.Count > 0)
        {
            var known = await session.Query<ArticleSummary>().Where(a => selection.ArticleIds.Contains(a.Id)).Select(a => a.Id).ToListAsync(cancellationToken);
            var unknown = selection.ArticleIds.Except(known).ToList();
            if (unknown.Count > 0)
            {
                throw new ArticleRejectedException(RejectionReasons.InvalidSelection, $"No stored article {string.Join(", ", unknown.Take(5))}.");
            }
            ids = known;
        }
        else
        {
            IQueryable<ArticleSummary> query = session.Query<ArticleSummary>();
            if (selection.From is { } from)
            {
                query = query.Where(a => a.PublishedOn >= from);
            }
            if (selection.To is { } to)
            {
                query = query.Where(a => a.PublishedOn <= to);
            }
            ids = await query.OrderBy(a => a.Id).Select(a => a.Id).Take(MaxArticlesPerRequest).ToListAsync(cancellationToken);
        }
        if (Activity.Current is { } activity)
        {
            session.SetHeader(SubmitArticleHandler.TraceParentHeader, activity.Id!);
        }
        var now = clock.GetUtcNow();
        foreach (var id in ids)
        {
            session.Events.Append(id, new ArticleReprocessRequested(id, now));
        }
        await session.SaveChangesAsync(cancellationToken);
        return ids;
    }

    public static DateOnly? ParseDay(string value, string field) =>
        value.Length == 0 ? null
        : DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day
        : throw new ArticleRejectedException(RejectionReasons.InvalidSelection, $"{field} '{value}' is not a date: use YYYY-MM-DD.");
}
