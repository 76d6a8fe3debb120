using System.Globalization;
using Platform.Extraction.Engine;
using Platform.Geocoding.Engine;

namespace Platform.Cli.Evaluation;

/// <summary>Extraction then geocoding, in-process: the same engines the services run.</summary>
public sealed class ArticlePipeline(IncidentExtractor extractor, Geocoder geocoder)
{
    public string ExtractorVersion => extractor.OutputVersion;

    public List<GoldIncident> Process(GoldArticle article)
    {
        if (!DateOnly.TryParseExact(article.Published, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var published))
        {
            throw new UsageException($"Article '{article.Id}': 'published' must be YYYY-MM-DD, not '{article.Published}'.");
        }
        if (published.Year < IncidentExtractor.MinimumYear)
        {
            throw new UsageException($"Article '{article.Id}': 'published' {article.Published} is before {IncidentExtractor.MinimumYear}.");
        }
        var found = extractor.Extract(new ExtractionInput(article.Text, article.Language, published));
        var places = geocoder.ResolveArticle(found
            .Select(incident => (IReadOnlyList<PlaceQuery>)incident.Places.Select(p => new PlaceQuery(p.Name, p.Relation, p.Hints)).ToList())
            .ToList());
        var summaries = ArticleSummaries.Find(found
            .Select((incident, index) => new ArticleSummaries.Told(incident.EventType, incident.DateStart, incident.DateEnd, incident.Evidence.Start, places[index]))
            .ToList());
        return found.Select((incident, index) => (incident, index))
            .Where(x => !summaries.Contains(x.index))
            .Select(x => ToGoldShape(x.incident, places[x.index], extractor.OutputVersion)).ToList();
    }

    private static GoldIncident ToGoldShape(IncidentFound incident, GeocodeResult? place, string extractorVersion) => new()
    {
        EventType = incident.EventType,
        SubEventType = incident.SubEventType,
        Actors = incident.Actors.Select(a => a.ActorId).ToList(),
        ActorAliases = incident.Actors.ToDictionary(a => a.ActorId, a => a.Alias),
        Location = place is null ? null : new GoldLocation
        {
            Name = place.Place.Name,
            GeonameId = Gazetteer.IsWhosOnFirst(place.Place) ? null : place.Place.GeonameId,
            Latitude = place.Place.Latitude,
            Longitude = place.Place.Longitude,
            Precision = place.Precision,
        },
        Date = new GoldDate { Start = Day(incident.DateStart), End = Day(incident.DateEnd) },
        Fatalities = incident.Fatalities ?? 0,
        Arrests = incident.Arrests,
        Evidence = incident.Evidence.Text,
        EvidenceStart = incident.Evidence.Start,
        EvidenceLength = incident.Evidence.Length,
        SourceCue = incident.SourceCue,
        PlaceAdmin1 = place is null ? null : $"{place.Place.CountryCode}.{place.Place.Admin1Code}",
        PlaceRule = place is null ? null : $"{place.Rule} (mention \"{place.Mention}\", matched \"{place.MatchedText}\", confidence {place.Confidence:0.00})",
        PlaceRunnersUp = place?.RunnersUp.Select(r => $"{r.Name} ({r.CountryCode}, {r.GeonameId})").ToList(),
        PlaceMentions = incident.Places.Select(p => p.Hints.Count == 0 ? $"{p.Relation}: {p.Name}" : $"{p.Relation}: {p.Name} ({string.Join("; ", p.Hints)})").ToList(),
        Rules = incident.Rules,
        ExtractorVersion = extractorVersion,
    };

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
