using System.Diagnostics;
using System.Globalization;
using System.Text;
using Marten;
using Marten.Exceptions;
using Microsoft.Extensions.Options;

namespace Platform.Ingestion.Articles;

/// <summary>An article as a client submits it, over gRPC or HTTP.</summary>
public sealed record SubmitArticle(
    string? Text,
    string? Html,
    string? Title,
    string? Url,
    string? SourceName,
    string? Language,
    string? PublishedOn);

public sealed record ArticleAccepted(
    Guid ArticleId,
    bool Duplicate,
    string ContentHash,
    string Language,
    DateOnly PublishedOn,
    int TextLength);

/// <summary>
/// The submission breaks a rule; the message says which, in words a client can act on, and <see cref="Reason"/> names
/// the rule in a short code that metrics count by (<see cref="RejectionReasons"/>).
/// </summary>
public sealed class ArticleRejectedException(string reason, string message) : Exception(message)
{
    public string Reason { get; } = reason;
}

/// <summary>The rules a submission can break, as the codes <c>platform.ingestion.articles.rejected</c> counts by.</summary>
public static class RejectionReasons
{
    public const string Empty = "empty";
    public const string TextAndHtml = "text_and_html";
    public const string TooLarge = "too_large";
    public const string MarkupTooDeep = "markup_too_deep";
    public const string NoReadableText = "no_readable_text";
    public const string WrongEncoding = "wrong_encoding";
    public const string UnsupportedLanguage = "unsupported_language";
    public const string InvalidDate = "invalid_date";
    public const string DateOutOfRange = "date_out_of_range";
    public const string TitleTooLong = "title_too_long";
    public const string FieldTooLong = "field_too_long";
    public const string ControlCharacter = "control_character";
    public const string InvalidSelection = "invalid_selection";
}

public sealed class IngestionOptions
{
    public const string Section = "Ingestion";

    /// <summary>Largest accepted submission, in UTF-8 bytes of the text or HTML (at most 256 MiB: the gRPC limit is twice it).</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 256 * 1024 * 1024)]
    public int MaxArticleBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>
    /// The most articles one SubmitArticles stream takes; the rest of a longer stream is refused with
    /// RESOURCE_EXHAUSTED after the first ones are answered (the CLI then opens a new stream).
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(1, int.MaxValue)]
    public int MaxArticlesPerStream { get; set; } = 100_000;

    /// <summary>How often the outbox's lag is read for the <c>platform.outbox.lag</c> gauges.</summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan OutboxLagInterval { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>Validates, normalises and stores a submitted article; the same content twice is one article.</summary>
public sealed class SubmitArticleHandler(IDocumentStore store, TimeProvider clock, IOptions<IngestionOptions> options, IngestionMetrics metrics)
{
    internal const string TraceParentHeader = "traceparent";

    /// <summary>Extraction resolves relative dates back from the publication date; older dates are not news.</summary>
    public const int MinimumPublicationYear = 1900;

    /// <summary>One submission: stored, or a duplicate of stored content; <see cref="ArticleRejectedException"/> when it breaks a rule.</summary>
    public async Task<ArticleAccepted> HandleAsync(SubmitArticle command, CancellationToken cancellationToken)
    {
        var outcome = (await HandleBatchAsync([command], cancellationToken))[0];
        return outcome.Accepted ?? throw new ArticleRejectedException(outcome.RejectionReason!, outcome.Rejection!);
    }

    /// <summary>One article of a batch: stored (or a duplicate), or rejected with the reason.</summary>
    public sealed record BatchOutcome(ArticleAccepted? Accepted, string? Rejection, string? RejectionReason = null);

    /// <summary>
    /// Many submissions at once: each validated on its own, the new ones appended in one transaction. The same content
    /// twice in a batch is one article (the second a duplicate), as across batches.
    /// </summary>
    public async Task<IReadOnlyList<BatchOutcome>> HandleBatchAsync(IReadOnlyList<SubmitArticle> commands, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        metrics.Received(commands.Count);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var outcomes = new BatchOutcome[commands.Count];
        var prepared = new List<(int Index, PreparedArticle Article, ArticleAccepted Accepted, SubmitArticle Command)>(commands.Count);
        for (var i = 0; i < commands.Count; i++)
        {
            try
            {
                var article = Prepare(commands[i], options.Value, today);
                var (articleId, contentHash) = ArticleIdentity.For(article.Text);
                prepared.Add((i, article, new ArticleAccepted(articleId, false, contentHash, article.Language, article.PublishedOn, article.Text.Length), commands[i]));
            }
            catch (ArticleRejectedException rejected)
            {
                outcomes[i] = new BatchOutcome(null, rejected.Message, rejected.Reason);
                metrics.Rejected(rejected.Reason);
            }
        }
        if (prepared.Count == 0)
        {
            metrics.Service.RecordStage(IngestionMetrics.Stage, started);
            return outcomes;
        }
        // A concurrent request may store one of these between the check and the append: the batch is then decided
        // again, and the next check finds that article stored (a duplicate), so every round stores something or ends.
        while (true)
        {
            try
            {
                await StoreNewAsync(prepared, outcomes, cancellationToken);
                foreach (var (index, _, _, _) in prepared)
                {
                    if (outcomes[index].Accepted!.Duplicate)
                    {
                        metrics.Duplicate();
                    }
                    else
                    {
                        metrics.Ingested();
                    }
                }
                metrics.Service.RecordStage(IngestionMetrics.Stage, started);
                return outcomes;
            }
            catch (ExistingStreamIdCollisionException)
            {
            }
        }
    }

    private async Task StoreNewAsync(List<(int Index, PreparedArticle Article, ArticleAccepted Accepted, SubmitArticle Command)> prepared,
        BatchOutcome[] outcomes, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        var stored = new HashSet<Guid>();
        var ids = prepared.Select(p => p.Accepted.ArticleId).Distinct().ToArray();
        await using (var command = new Npgsql.NpgsqlCommand($"select id from {store.Options.Events.DatabaseSchemaName}.mt_streams where id = any($1)"))
        {
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = ids });
            await using var reader = await session.ExecuteReaderAsync(command, cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                stored.Add(reader.GetGuid(0));
            }
        }
        // The trace travels with the stored events so the outbox publisher continues this trace.
        if (Activity.Current is { } activity)
        {
            session.SetHeader(TraceParentHeader, activity.Id!);
        }
        var ingestedAt = clock.GetUtcNow();
        foreach (var (index, article, accepted, command) in prepared)
        {
            if (!stored.Add(accepted.ArticleId))
            {
                outcomes[index] = new BatchOutcome(accepted with { Duplicate = true }, null);
                continue;
            }
            session.Events.StartStream(accepted.ArticleId, new ArticleIngested(
                accepted.ArticleId, accepted.ContentHash, article.Language, article.Title, article.Text, article.PublishedOn,
                Blank(command.Url), Blank(command.SourceName), ingestedAt));
            outcomes[index] = new BatchOutcome(accepted, null);
        }
        await session.SaveChangesAsync(cancellationToken);
    }

    internal sealed record PreparedArticle(string Text, string Title, string Language, DateOnly PublishedOn);

    /// <summary>The pure part of a submission: validation and normalisation, no I/O.</summary>
    internal static PreparedArticle Prepare(SubmitArticle command, IngestionOptions options, DateOnly today)
    {
        var hasText = !string.IsNullOrWhiteSpace(command.Text);
        var hasHtml = !string.IsNullOrWhiteSpace(command.Html);
        if (hasText == hasHtml)
        {
            throw hasText
                ? new ArticleRejectedException(RejectionReasons.TextAndHtml, "Give either 'text' or 'html', not both.")
                : new ArticleRejectedException(RejectionReasons.Empty, "The article is empty: give its 'text' or its 'html'.");
        }
        var raw = hasText ? command.Text! : command.Html!;
        var size = Encoding.UTF8.GetByteCount(raw);
        if (size > options.MaxArticleBytes)
        {
            throw new ArticleRejectedException(RejectionReasons.TooLarge, 
                $"The article is {size:N0} bytes; the limit is {options.MaxArticleBytes:N0} bytes (setting Ingestion:MaxArticleBytes).");
        }
        // Checked before parsing: the HTML5 parser takes time quadratic in the nesting depth.
        if (hasHtml && MarkupDepth.Estimate(raw) > MarkupDepth.Limit)
        {
            throw new ArticleRejectedException(RejectionReasons.MarkupTooDeep, 
                $"The HTML nests elements more than {MarkupDepth.Limit} deep (as browsers, Platform reads no deeper); send the article's 'text' instead.");
        }
        var text = ArticleNormalizer.Normalize(hasHtml ? HtmlText.ToText(raw) : raw);
        if (text.Length == 0)
        {
            throw new ArticleRejectedException(RejectionReasons.NoReadableText, "The article has no readable text once markup and page furniture are removed.");
        }
        // Counted in the text that is stored, not in what was sent: HTML turns "&#0;" into U+FFFD, and normalising
        // shortens the text the share is taken of. The stored text, sent again, must be accepted again.
        var replacementCharacters = text.Count(c => c == '\uFFFD');
        if (replacementCharacters > Math.Max(2, text.Length / 1000))
        {
            throw new ArticleRejectedException(RejectionReasons.WrongEncoding, 
                $"The text holds {replacementCharacters} U+FFFD replacement characters: it was decoded with the wrong character encoding "
                + "(or its HTML names characters that do not exist, like &#0;). Send UTF-8.");
        }

        var language = string.IsNullOrWhiteSpace(command.Language)
            ? LanguageDetector.Detect(text)
            : command.Language.Trim().ToLowerInvariant();
        if (language is not (LanguageDetector.Arabic or LanguageDetector.English))
        {
            throw new ArticleRejectedException(RejectionReasons.UnsupportedLanguage, $"Language '{command.Language}' is not supported: use 'ar' or 'en', or leave it empty to detect it.");
        }

        var publishedOn = today;
        if (!string.IsNullOrWhiteSpace(command.PublishedOn))
        {
            var value = command.PublishedOn.Trim();
            if (!DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out publishedOn)
                && !TryParseTimestamp(value, out publishedOn))
            {
                throw new ArticleRejectedException(RejectionReasons.InvalidDate, $"Publication date '{command.PublishedOn}' is not a date: use YYYY-MM-DD.");
            }
            if (publishedOn.Year < MinimumPublicationYear || publishedOn > today.AddDays(1))
            {
                throw new ArticleRejectedException(RejectionReasons.DateOutOfRange, 
                    $"Publication date {command.PublishedOn} is out of range: from {MinimumPublicationYear}-01-01 to tomorrow.");
            }
        }

        // A given title that normalises to nothing (only invisible characters, or a furniture word like "Share") is no title.
        var title = Blank(command.Title) is { } given && ArticleNormalizer.Normalize(given) is { Length: > 0 } normalized
            ? normalized
            : FirstLine(text);
        if (title.Length > MaxTitleLength)
        {
            throw new ArticleRejectedException(RejectionReasons.TitleTooLong, $"The title is {title.Length:N0} characters; the limit is {MaxTitleLength:N0}.");
        }
        CheckField("url", command.Url, MaxUrlLength);
        CheckField("sourceName", command.SourceName, MaxSourceNameLength);
        return new PreparedArticle(text, title, language, publishedOn);
    }

    /// <summary>The longest title kept (after normalisation): a headline, not a second article.</summary>
    public const int MaxTitleLength = 1_000;

    /// <summary>The longest URL accepted (what browsers and servers commonly handle).</summary>
    public const int MaxUrlLength = 2_048;

    /// <summary>The longest source name accepted.</summary>
    public const int MaxSourceNameLength = 200;

    // URL and source name are stored as given (trimmed): control characters in them are a client's error, and
    // PostgreSQL refuses a NUL in text outright, so they are rejected here with the field's name.
    private static void CheckField(string name, string? value, int maxLength)
    {
        if (Blank(value) is not { } given)
        {
            return;
        }
        if (given.Length > maxLength)
        {
            throw new ArticleRejectedException(RejectionReasons.FieldTooLong, $"'{name}' is {given.Length:N0} characters; the limit is {maxLength:N0}.");
        }
        for (var at = 0; at < given.Length; at++)
        {
            if (char.IsControl(given[at]))
            {
                throw new ArticleRejectedException(RejectionReasons.ControlCharacter, 
                    $"'{name}' holds a control character (U+{(int)given[at]:X4} at position {at}); send it without control characters.");
            }
        }
    }

    // ISO 8601 only: "01/02/2020" is 1 February in one country and 2 January in another.
    private static readonly string[] TimestampFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
    ];

    private static bool TryParseTimestamp(string value, out DateOnly date)
    {
        var parsed = DateTimeOffset.TryParseExact(value, TimestampFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var timestamp);
        date = parsed ? DateOnly.FromDateTime(timestamp.UtcDateTime) : default;
        return parsed;
    }

    // Without a title the first line stands in, as it does on most news pages.
    private static string FirstLine(string text)
    {
        var end = text.IndexOf('\n', StringComparison.Ordinal);
        var line = end < 0 ? text : text[..end];
        return line.Length <= 200 ? line : line[..200];
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
