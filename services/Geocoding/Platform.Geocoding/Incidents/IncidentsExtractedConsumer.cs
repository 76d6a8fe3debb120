using MassTransit;
using Platform.Contracts;
using Platform.Geocoding.Engine;
using Platform.ServiceDefaults;

namespace Platform.Geocoding.Incidents;

/// <summary>Resolves the places of extracted incidents and publishes them onwards.</summary>
public sealed class IncidentsExtractedConsumer(Geocoder geocoder, GeocodingMetrics metrics, ILogger<IncidentsExtractedConsumer> logger)
    : IConsumer<IncidentsExtracted>
{
    public async Task Consume(ConsumeContext<IncidentsExtracted> context)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var message = context.Message;
        if (message.Article is null || message.Article.ArticleId == Guid.Empty || message.Incidents is null)
        {
            throw new PermanentMessageException("IncidentsExtracted needs an Article with an ArticleId and an Incidents list.");
        }
        var places = geocoder.ResolveArticle(message.Incidents
            .Select(incident => (IReadOnlyList<PlaceQuery>)(incident.Places ?? []).Select(p => new PlaceQuery(p.Name, p.Relation, p.Hints ?? [])).ToList())
            .ToList());
        // A summary over governorates that the article then tells in each is those incidents, not one more. An incident
        // without dates or evidence (a malformed message, which the ledger rejects with its reason) takes no part.
        var summaries = ArticleSummaries.Find(message.Incidents
            .Select((incident, index) => incident is { Date: { } date, Evidence: { } evidence }
                ? new ArticleSummaries.Told(incident.EventType, date.Start, date.End, evidence.Start, places[index])
                : new ArticleSummaries.Told(incident?.EventType ?? "", default, default, -1 - index, null))
            .ToList());
        var geocoded = message.Incidents
            .Select((incident, index) => (incident, index))
            .Where(x => !summaries.Contains(x.index))
            .Select(x => new GeocodedIncident(x.incident, places[x.index] is { } place ? ToMessage(place) : null))
            .ToList();
        logger.LogInformation("Article {ArticleId}: placed {Resolved} of {Count} incidents ({Summaries} summing up others left out)",
            message.Article.ArticleId, geocoded.Count(g => g.Place is not null), geocoded.Count, summaries.Count);
        await context.Publish(new IncidentsGeocoded(message.Article, message.ExtractorVersion, Geocoder.Version, geocoded),
            context.CancellationToken);
        metrics.Geocoded(geocoded, started);
    }

    /// <summary>The one place where the engine's result becomes the wire schema.</summary>
    public static ResolvedPlace ToMessage(GeocodeResult result) => new(
        Gazetteer.IsWhosOnFirst(result.Place) ? null : result.Place.GeonameId,
        result.Place.Name,
        result.Place.Latitude,
        result.Place.Longitude,
        result.Precision,
        result.Place.CountryCode,
        NullIfEmpty(result.Place.Admin1Code),
        result.Admin1Name,
        NullIfEmpty(result.Place.Admin2Code),
        result.Admin2Name,
        result.MatchedText,
        result.Confidence,
        result.Mention,
        result.Rule,
        result.RunnersUp.Count == 0 ? null : string.Join("; ", result.RunnersUp.Select(r => $"{r.Name} ({r.GeonameId})")));

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}

public sealed class IncidentsExtractedConsumerDefinition : ConsumerDefinition<IncidentsExtractedConsumer>
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<IncidentsExtractedConsumer> consumerConfigurator,
        IRegistrationContext context) =>
        endpointConfigurator.UsePlatformRetryPolicy(context);
}
