namespace Platform.Ingestion.Articles;

/// <summary>
/// Stored event: the first event of every article stream. This is Ingestion's private, persisted schema,
/// stored under the alias "article_ingested"; the public message is <see cref="Platform.Contracts.ArticleIngested"/>
/// and <see cref="ArticlePublisher"/> maps one to the other.
/// </summary>
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
