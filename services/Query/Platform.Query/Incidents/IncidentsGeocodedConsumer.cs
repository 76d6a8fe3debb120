using JasperFx.Events;
using Marten;
using MassTransit;
using Platform.Contracts;
using Platform.ServiceDefaults;

namespace Platform.Query.Incidents;

/// <summary>
/// Records geocoded incidents in the ledger. Each report either starts an incident or corroborates one on record
/// (<see cref="IncidentLedger"/>). Idempotent: reports of this article already on record are skipped, so a
/// redelivered message adds nothing; appends to existing streams are checked with optimistic concurrency.
/// </summary>
public sealed class IncidentsGeocodedConsumer(IDocumentStore store, ILogger<IncidentsGeocodedConsumer> logger)
    : IConsumer<IncidentsGeocoded>
{
    // The coarse filter before the ledger's rule: about 11 km of latitude, two days either side.
    private const double CandidateBoxDegrees = 0.1;
    private const int CandidateDays = 2;

    public async Task Consume(ConsumeContext<IncidentsGeocoded> context)
    {
        var message = context.Message;
        if (message.Article is null || message.Article.ArticleId == Guid.Empty || message.Incidents is null)
        {
            throw new PermanentMessageException("IncidentsGeocoded needs an Article with an ArticleId and an Incidents list.");
        }
        var cancellationToken = context.CancellationToken;
        var articleId = message.Article.ArticleId;
        await using var session = store.LightweightSession();
        var contributions = await session.LoadAsync<ArticleIncidents>(articleId, cancellationToken) ?? new ArticleIncidents { Id = articleId };
        var onRecord = contributions.IncidentIds.Count == 0
            ? []
            : (await session.LoadManyAsync<IncidentDetails>(cancellationToken, contributions.IncidentIds)).ToList();
        // This article's reports on record, by ordinal: what a redelivery finds, and what a re-extraction revises.
        var recorded = onRecord
            .SelectMany(incident => incident.Sources.Where(s => s.ArticleId == articleId).Select(source => (Incident: incident, Source: source)))
            .GroupBy(x => x.Source.Ordinal)
            .ToDictionary(g => g.Key, g => g.First());
        var streams = new Dictionary<Guid, IEventStream<IncidentDetails>>();
        int started = 0, corroborated = 0, revised = 0, retracted = 0;

        async Task AppendAsync(Guid incidentId, object @event)
        {
            if (!streams.TryGetValue(incidentId, out var stream))
            {
                streams[incidentId] = stream = await session.Events.FetchForWriting<IncidentDetails>(incidentId, cancellationToken);
            }
            stream.AppendOne(@event);
        }

        foreach (var geocoded in message.Incidents)
        {
            var report = IncidentMapping.ToReport(message, geocoded);
            if (recorded.TryGetValue(geocoded.Incident.Ordinal, out var onFile))
            {
                if (onFile.Source.ExtractorVersion != message.ExtractorVersion
                    && IncidentLedger.Revise(onFile.Incident, onFile.Source, report) is { } revision)
                {
                    await AppendAsync(onFile.Incident.Id, revision);
                    revised++;
                }
                continue;
            }
            var candidates = report.Place is null ? [] : await CandidatesAsync(session, report, cancellationToken);
            var decision = IncidentLedger.Decide(report, candidates, IncidentIdentity.For(articleId, geocoded.Incident.Ordinal));
            if (!contributions.IncidentIds.Contains(decision.IncidentId))
            {
                contributions.IncidentIds.Add(decision.IncidentId);
            }
            if (decision.StartsStream)
            {
                session.Events.StartStream<IncidentDetails>(decision.IncidentId, decision.Event);
                started++;
                continue;
            }
            await AppendAsync(decision.IncidentId, decision.Event);
            corroborated++;
        }
        // A newer extractor that no longer finds an incident the article reported withdraws that report.
        var ordinals = message.Incidents.Select(i => i.Incident.Ordinal).ToHashSet();
        foreach (var (ordinal, onFile) in recorded.Where(r => !ordinals.Contains(r.Key)))
        {
            if (IncidentLedger.CompareVersions(message.ExtractorVersion, onFile.Source.ExtractorVersion) > 0)
            {
                await AppendAsync(onFile.Incident.Id, new IncidentRetracted(onFile.Incident.Id, articleId, ordinal, message.ExtractorVersion));
                retracted++;
            }
        }
        if (started + corroborated + revised + retracted == 0)
        {
            logger.LogInformation("Article {ArticleId}: nothing new ({Count} incidents already recorded)", articleId, message.Incidents.Count);
            return;
        }
        session.Store(contributions);
        try
        {
            await session.SaveChangesAsync(cancellationToken);
        }
        catch (Marten.Exceptions.ExistingStreamIdCollisionException)
        {
            // A concurrent redelivery recorded them first; the retry finds them on record and adds nothing.
            throw new ConcurrentRecordingException(articleId);
        }
        logger.LogInformation("Article {ArticleId}: {Started} new incidents, {Corroborated} corroborations, {Revised} revisions, {Retracted} retractions",
            articleId, started, corroborated, revised, retracted);
    }

    private static async Task<IReadOnlyList<IncidentDetails>> CandidatesAsync(IQuerySession session, IncidentReport report, CancellationToken cancellationToken)
    {
        var place = report.Place!;
        var lonDelta = CandidateBoxDegrees / Math.Max(0.2, Math.Cos(place.Latitude * Math.PI / 180));
        return await new IncidentSearch()
            .During(report.DateStart.AddDays(-CandidateDays), report.DateEnd.AddDays(CandidateDays))
            .Within(place.Latitude - CandidateBoxDegrees, place.Latitude + CandidateBoxDegrees, place.Longitude - lonDelta, place.Longitude + lonDelta)
            .EventType(report.EventType)
            .PageAsync(session, after: null, limit: 50, cancellationToken);
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
        IRegistrationContext context) =>
        endpointConfigurator.UsePlatformRetryPolicy(context);
}
