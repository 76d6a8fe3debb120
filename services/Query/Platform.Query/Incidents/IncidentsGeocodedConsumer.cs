using MassTransit;
using Microsoft.Extensions.Options;
using Platform.Contracts;
using Platform.ServiceDefaults;

namespace Platform.Query.Incidents;

/// <summary>
/// Records geocoded incidents in the ledger: checks the message, maps it to the ledger's reports and hands them to
/// <see cref="LedgerWriter"/>, which decides and appends them together with other articles' in one transaction. A
/// message with impossible values goes to the error queue with the reason and records nothing; a message the writer
/// fails to record (the database down, say) goes back to the broker's retries alone.
/// </summary>
public sealed class IncidentsGeocodedConsumer(LedgerWriter writer, LedgerMetrics metrics, ILogger<IncidentsGeocodedConsumer> logger)
    : IConsumer<IncidentsGeocoded>
{
    public async Task Consume(ConsumeContext<IncidentsGeocoded> context)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var message = context.Message;
        if (message.Article is null || message.Article.ArticleId == Guid.Empty || message.Incidents is null)
        {
            throw new PermanentMessageException("IncidentsGeocoded needs an Article with an ArticleId and an Incidents list.");
        }
        if (message.Incidents.Any(i => i?.Incident?.Date is null || i.Incident.Evidence is null || i.Incident.EventType is null))
        {
            throw new PermanentMessageException($"An incident of article {message.Article.ArticleId} lacks its event type, dates or evidence.");
        }
        var incoming = new ArticleReports(message.Article.ArticleId, message.ExtractorVersion ?? "",
            message.Incidents.Select(geocoded => IncidentMapping.ToReport(message, geocoded)).ToList());
        if (IncidentLedger.Invalid(incoming) is { } rejection)
        {
            throw new PermanentMessageException($"IncidentsGeocoded rejected: {rejection}.");
        }
        var decision = await writer.RecordAsync(incoming, context.CancellationToken);
        metrics.Recorded(decision, message.Article.StoredAt, started);
        // Here, under the message's trace (the writer's loop has none), so operators follow the article to the ledger.
        logger.LogInformation("Article {ArticleId}: {Started} new incidents, {Corroborated} corroborations, {Revised} revisions, {Retracted} retractions",
            incoming.ArticleId, decision.Started, decision.Corroborated, decision.Revised, decision.Retracted);
    }
}

/// <summary>How the ledger records reports (<c>Ledger</c> in configuration).</summary>
public sealed class LedgerOptions
{
    public const string Section = "Ledger";

    /// <summary>
    /// How long a report may keep meeting concurrency conflicts before its message goes back to the broker's retries
    /// (and then the error queue, an operator's alert). Conflicts resolve in milliseconds; this bounds a bug, not load.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ConflictDeadline { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The most articles one transaction records (<c>Ledger:BatchSize</c>). A batch is what queued while the previous
    /// one was written, so under a light load it is one article and adds no wait.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(1, 1_000)]
    public int BatchSize { get; set; } = 64;

    /// <summary>Batches written at once (<c>Ledger:Writers</c>): one reads and decides while another commits.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 64)]
    public int Writers { get; set; } = 2;
}

/// <summary>The one place where wire messages become the ledger's reports.</summary>
public static class IncidentMapping
{
    public static IncidentReport ToReport(IncidentsGeocoded message, GeocodedIncident geocoded)
    {
        var incident = geocoded.Incident;
        var article = message.Article;
        var place = geocoded.Place is { } p
            ? new IncidentPlace(p.GeonameId, p.Name, p.Latitude, p.Longitude, p.Precision, p.CountryCode,
                p.Admin1Code, p.Admin1Name, p.Admin2Code, p.Admin2Name, p.MatchedText, p.Confidence, p.Mention, p.Rule, p.RunnersUp)
            : null;
        return new IncidentReport(
            incident.EventType,
            incident.SubEventType,
            (incident.Actors ?? []).Select(a => new IncidentActor(a.ActorId, a.Alias)).ToList(),
            place,
            incident.Date.End.DayNumber - incident.Date.Start.DayNumber > IncidentLedger.MaxIncidentDays
                ? incident.Date.End.AddDays(-IncidentLedger.MaxIncidentDays)
                : incident.Date.Start,
            incident.Date.End,
            incident.Fatalities,
            incident.Arrests,
            new IncidentSource(
                article.ArticleId, incident.Ordinal, article.Title, article.Url, article.SourceName, article.Language,
                article.PublishedOn, message.ExtractorVersion, message.GeocoderVersion,
                new IncidentEvidence(incident.Evidence.Start, incident.Evidence.Length, incident.Evidence.Text),
                incident.SourceCue));
    }
}

public sealed class IncidentsGeocodedConsumerDefinition : ConsumerDefinition<IncidentsGeocodedConsumer>
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<IncidentsGeocodedConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.UsePlatformRetryPolicy(context);
        // Enough messages at once to fill the writer's batches: a consumer only waits for its batch's commit.
        var ledger = context.GetRequiredService<IOptions<LedgerOptions>>().Value;
        endpointConfigurator.ConcurrentMessageLimit = ledger.BatchSize * ledger.Writers;
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.PrefetchCount = Math.Max(rabbit.PrefetchCount, ledger.BatchSize * ledger.Writers * 2);
        }
    }
}
