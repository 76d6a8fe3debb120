namespace Platform.Contracts;

/// <summary>
/// An article accepted by Ingestion, normalised and stored. Everything later stages need travels here:
/// no service reads another service's tables.
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

/// <summary>What later stages keep of the article an incident came from.</summary>
public sealed record ArticleReference(
    Guid ArticleId,
    string Language,
    string Title,
    DateOnly PublishedOn,
    string? Url,
    string? SourceName);
