namespace Platform.Contracts;

/// <summary>
/// An article accepted by Ingestion, normalised and stored. Everything later stages need travels here:
/// no service reads another service's tables.
/// </summary>
/// <param name="StoredAt">
/// When the event this message publishes was stored: the article itself, or a request to reprocess it. Later stages
/// carry it on (<see cref="ArticleReference.StoredAt"/>) so Query can measure the time from storage to the ledger.
/// Absent in messages of publishers that predate it.
/// </param>
public sealed record ArticleIngested(
    Guid ArticleId,
    string ContentHash,
    string Language,
    string Title,
    string Text,
    DateOnly PublishedOn,
    string? Url,
    string? SourceName,
    DateTimeOffset IngestedAt,
    DateTimeOffset? StoredAt = null);

/// <summary>What later stages keep of the article an incident came from.</summary>
/// <param name="StoredAt">When Ingestion stored what started this pass through the pipeline (<see cref="ArticleIngested.StoredAt"/>).</param>
public sealed record ArticleReference(
    Guid ArticleId,
    string Language,
    string Title,
    DateOnly PublishedOn,
    string? Url,
    string? SourceName,
    DateTimeOffset? StoredAt = null);
