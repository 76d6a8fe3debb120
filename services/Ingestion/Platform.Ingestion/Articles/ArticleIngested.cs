namespace Platform.Ingestion.Articles;

/// <summary>
/// Stored event: the first event of every article stream. This is Ingestion's private, persisted schema,
/// stored under the alias "article_ingested"; the public message is <see cref="Platform.Contracts.ArticleIngested"/>
/// and <see cref="ArticlePublisher"/> maps one to the other.
/// </summary>
/// <summary>Stored event: someone asked for the article to go through extraction again.</summary>
public sealed record ArticleReprocessRequested(Guid ArticleId, DateTimeOffset RequestedAt);

/// <summary>Read model of the stored articles, to select them for reprocessing.</summary>
public sealed class ArticleSummary
{
    public Guid Id { get; set; }
    public DateOnly PublishedOn { get; set; }
    public string Language { get; set; } = "";
    public int Reprocessed { get; set; }

    public static ArticleSummary Create(ArticleIngested e) => new() { Id = e.ArticleId, PublishedOn = e.PublishedOn, Language = e.Language };

    public void Apply(ArticleReprocessRequested _) => Reprocessed++;
}

public sealed record ArticleIngested(
    Guid ArticleId,
    string ContentHash,
    string Language,
    string Title,
    string Text,
    DateOnly PublishedOn,
    string? Url,
    string? SourceName,
    DateTimeOffset IngestedAt);
