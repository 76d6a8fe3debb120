using System.Diagnostics;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;
using MassTransit;
using Platform.ServiceDefaults;

namespace Platform.Ingestion.Articles;

/// <summary>
/// The event store is the outbox: this Marten subscription publishes every stored <see cref="ArticleIngested"/>
/// to RabbitMQ. The daemon advances its position only after a page is published, so a crash or a broker outage
/// means a later re-publish (at least once), never a lost article.
/// </summary>
public sealed class ArticlePublisher : SubscriptionBase
{
    public const string SubscriptionId = "article-publisher";
    private static readonly ActivitySource Activities = new(ServiceDefaultsExtensions.PlatformActivitySourceName);
    private readonly IBus _bus;
    private readonly ILogger<ArticlePublisher> _logger;
    private readonly IngestionMetrics _metrics;

    public ArticlePublisher(IBus bus, ILogger<ArticlePublisher> logger, IngestionMetrics metrics)
    {
        _bus = bus;
        _logger = logger;
        _metrics = metrics;
        Name = SubscriptionId;
        IncludeType<ArticleIngested>();
        IncludeType<ArticleReprocessRequested>();
    }

    public override async Task<IChangeListener> ProcessEventsAsync(
        EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken cancellationToken)
    {
        // Every publish of the page is in flight at once (the broker's confirms come back pipelined on the channel);
        // the page counts as published, and the daemon moves past it, only once the broker confirmed them all.
        var publishes = new List<Task>(page.Events.Count);
        foreach (var stored in page.Events)
        {
            var article = stored.Data switch
            {
                ArticleIngested ingested => ingested,
                // A reprocess request sends the article as it was stored, under this event's id.
                ArticleReprocessRequested => (await operations.Events.FetchStreamAsync(stored.StreamId, token: cancellationToken))
                    .Select(e => e.Data).OfType<ArticleIngested>().FirstOrDefault(),
                _ => null,
            };
            if (article is not null)
            {
                publishes.Add(PublishAsync(stored, article, cancellationToken));
            }
        }
        try
        {
            await Task.WhenAll(publishes);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // The daemon treats a cancellation as a shutdown and would neither retry nor pause; a timed-out
            // publish is a failure it must retry from the last published position.
            throw new InvalidOperationException($"Publishing a page of {publishes.Count} articles timed out.", e);
        }
        _metrics.Published(publishes.Count);
        _logger.LogDebug("Published {Count} articles (sequence {First}-{Last})", publishes.Count, page.SequenceFloor, page.SequenceCeiling);
        return NullChangeListener.Instance;
    }

    private async Task PublishAsync(IEvent stored, ArticleIngested article, CancellationToken cancellationToken)
    {
        using var activity = StartPublishActivity(stored);
        // The stored event's id is the message id: consumers can tell a re-publish from a new article.
        await _bus.Publish(ToMessage(article, stored.Timestamp), context => context.MessageId = stored.Id, cancellationToken);
        // Under the publish activity: the log line carries the article's trace, so operators can follow it here too.
        _logger.LogInformation("Published article {ArticleId} (sequence {Sequence})", article.ArticleId, stored.Sequence);
    }

    /// <summary>
    /// The one place where the stored event becomes the public message. <paramref name="storedAt"/> is when the event
    /// being published was stored (the article, or a request to reprocess it): where the end-to-end latency starts.
    /// </summary>
    public static Platform.Contracts.ArticleIngested ToMessage(ArticleIngested article, DateTimeOffset storedAt) => new(
        article.ArticleId, article.ContentHash, article.Language, article.Title, article.Text, article.PublishedOn,
        article.Url, article.SourceName, article.IngestedAt, storedAt);

    private static Activity? StartPublishActivity(IEvent stored)
    {
        var parent = stored.Headers is { } headers
            && headers.TryGetValue(SubmitArticleHandler.TraceParentHeader, out var value)
            && ActivityContext.TryParse(value?.ToString(), null, out var context)
                ? context
                : default;
        return Activities.StartActivity("outbox publish article", ActivityKind.Producer, parent);
    }
}
