using MassTransit;
using Platform.Contracts;
using Platform.Extraction.Engine;
using Platform.ServiceDefaults;

namespace Platform.Extraction.Articles;

/// <summary>Runs the extraction engine on every ingested article and publishes what it found (possibly nothing).</summary>
public sealed class ArticleIngestedConsumer(IncidentExtractor extractor, ExtractionMetrics metrics, ILogger<ArticleIngestedConsumer> logger)
    : IConsumer<ArticleIngested>
{
    public async Task Consume(ConsumeContext<ArticleIngested> context)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var article = context.Message;
        if (article.ArticleId == Guid.Empty || string.IsNullOrWhiteSpace(article.Text))
        {
            throw new PermanentMessageException("ArticleIngested needs an ArticleId and a non-empty Text.");
        }
        if (article.PublishedOn.Year < IncidentExtractor.MinimumYear)
        {
            throw new PermanentMessageException($"ArticleIngested.PublishedOn {article.PublishedOn:yyyy-MM-dd} is before {IncidentExtractor.MinimumYear}.");
        }
        var found = extractor.Extract(new ExtractionInput(article.Text, article.Language, article.PublishedOn));
        var incidents = found.Select((incident, ordinal) => ToMessage(incident, ordinal)).ToList();
        logger.LogInformation("Article {ArticleId}: {Count} incidents", article.ArticleId, incidents.Count);
        await context.Publish(new IncidentsExtracted(
            new ArticleReference(article.ArticleId, article.Language, article.Title, article.PublishedOn, article.Url, article.SourceName,
                article.StoredAt),
            extractor.OutputVersion,
            incidents), context.CancellationToken);
        metrics.Extracted(article.Language, incidents, started);
    }

    /// <summary>The one place where the engine's model becomes the wire schema.</summary>
    public static ExtractedIncident ToMessage(IncidentFound incident, int ordinal) => new(
        ordinal,
        incident.EventType,
        incident.SubEventType,
        incident.Actors.Select(a => new ActorMention(a.ActorId, a.Alias)).ToList(),
        incident.Places.Select(p => new PlaceMention(p.Name, p.Relation, p.Hints, ToSpan(p.Span))).ToList(),
        new DateRange(incident.DateStart, incident.DateEnd),
        incident.Fatalities,
        incident.Arrests,
        incident.SourceCue,
        ToSpan(incident.Evidence));

    private static TextSpan ToSpan(Span span) => new(span.Start, span.Length, span.Text);
}

public sealed class ArticleIngestedConsumerDefinition : ConsumerDefinition<ArticleIngestedConsumer>
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<ArticleIngestedConsumer> consumerConfigurator,
        IRegistrationContext context) =>
        endpointConfigurator.UsePlatformRetryPolicy(context);
}
