using Marten;
using Marten.Exceptions;
using MassTransit;
using Platform.Contracts;
using Platform.ServiceDefaults;

namespace Platform.Query.Incidents;

/// <summary>
/// Records geocoded incidents in the ledger: one stream per incident. Idempotent: the stream id is derived
/// from the article and the incident's ordinal, so a redelivered message finds its streams and adds nothing.
/// </summary>
public sealed class IncidentsGeocodedConsumer(IDocumentStore store, ILogger<IncidentsGeocodedConsumer> logger)
    : IConsumer<IncidentsGeocoded>
{
    public async Task Consume(ConsumeContext<IncidentsGeocoded> context)
    {
        var message = context.Message;
        if (message.Article is null || message.Article.ArticleId == Guid.Empty || message.Incidents is null)
        {
            throw new PermanentMessageException("IncidentsGeocoded needs an Article with an ArticleId and an Incidents list.");
        }
        await using var session = store.LightweightSession();
        var started = 0;
        foreach (var geocoded in message.Incidents)
        {
            var incidentId = IncidentIdentity.For(message.Article.ArticleId, geocoded.Incident.Ordinal);
            if (await session.Events.FetchStreamStateAsync(incidentId, context.CancellationToken) is not null)
            {
                continue;
            }
            session.Events.StartStream<IncidentDetails>(incidentId, IncidentMapping.ToReported(incidentId, message, geocoded));
            started++;
        }
        if (started == 0)
        {
            logger.LogInformation("Article {ArticleId}: nothing new ({Count} incidents already recorded)",
                message.Article.ArticleId, message.Incidents.Count);
            return;
        }
        try
        {
            await session.SaveChangesAsync(context.CancellationToken);
        }
        catch (ExistingStreamIdCollisionException)
        {
            // A concurrent redelivery recorded them first; the retry sees the streams and adds nothing.
            throw new ConcurrentRecordingException(message.Article.ArticleId);
        }
        logger.LogInformation("Article {ArticleId}: recorded {Count} incidents", message.Article.ArticleId, started);
    }
}

public sealed class ConcurrentRecordingException(Guid articleId)
    : Exception($"Incidents of article {articleId} were being recorded concurrently; retrying.");

public static class IncidentIdentity
{
    /// <summary>A name-based id (RFC 9562 version 8) for the incident an article reported at an ordinal.</summary>
    public static Guid For(Guid articleId, int ordinal) => NameBasedGuid.From($"incident:{articleId:N}:{ordinal}");
}

/// <summary>The one place where wire messages become stored events.</summary>
public static class IncidentMapping
{
    public static IncidentReported ToReported(Guid incidentId, IncidentsGeocoded message, GeocodedIncident geocoded)
    {
        var incident = geocoded.Incident;
        var article = message.Article;
        var place = geocoded.Place is { } p
            ? new IncidentPlace(p.GeonameId, p.Name, p.Latitude, p.Longitude, p.Precision, p.CountryCode,
                p.Admin1Code, p.Admin1Name, p.Admin2Code, p.Admin2Name, p.MatchedText, p.Confidence)
            : null;
        return new IncidentReported(
            incidentId,
            incident.EventType,
            incident.SubEventType,
            (incident.Actors ?? []).Select(a => new IncidentActor(a.ActorId, a.Alias)).ToList(),
            place,
            incident.Date.Start,
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
        IRegistrationContext context) =>
        endpointConfigurator.UsePlatformRetryPolicy(context);
}
