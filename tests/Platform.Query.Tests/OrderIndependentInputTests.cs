using System.Globalization;
using Platform.Extraction.Engine;
using Platform.Geocoding.Engine;
using Platform.LoadTool;
using Platform.Query.Incidents;
using Platform.Testing;
using Xunit.Abstractions;

namespace Platform.Query.Tests;

/// <summary>
/// The chaos and scale-out tests compare the incidents of a run with faults (or with two instances of each service)
/// against a clean run, which holds only when the ledger's incidents do not depend on the order reports arrive in. The
/// generator's order-independent input is meant to give such reports; this test checks that it does, with the engines
/// as the services run them and the ledger's own decisions, in seconds instead of a three-minute chaos run. (It failed
/// before al-Tabqa's two gazetteer rows were made one place, before the extractor stopped folding an air strike on one
/// town into a battle at another of the same countryside, and while the input still held Morek, 8.6 km from
/// al-Lataminah.)
/// </summary>
public sealed class OrderIndependentInputTests(ITestOutputHelper output)
{
    private static readonly Lazy<Geocoder> Geocoder = new(() =>
        new Geocoder(Gazetteer.Load(new GazetteerOptions { Directory = RepositoryPaths.Gazetteer }), "SY"));

    [Theory]
    [InlineData(800, 7)] // ChaosTests
    [InlineData(300, 11)] // ScaleOutTests
    public void The_order_independent_input_gives_the_same_incidents_in_any_order(int count, int seed)
    {
        var articles = Reports(ArticleGenerator.Generate(count, seed, run: "order", orderIndependent: true));
        var inOrder = Record(articles);
        var corroborated = inOrder.Count(incident => incident.Contains(';', StringComparison.Ordinal));
        output.WriteLine($"{count} articles, {articles.Sum(a => a.Reports.Count)} reports, {inOrder.Count} incidents ({corroborated} with several sources)");
        corroborated.ShouldBeGreaterThan(0, "the input must exercise corroboration");
        for (var shuffle = 0; shuffle < 10; shuffle++)
        {
            var order = articles.ToArray();
            new Random(shuffle).Shuffle(order);
            var shuffled = Record(order);
            shuffled.Except(inOrder).ShouldBeEmpty($"incidents only in shuffled order {shuffle}");
            inOrder.Except(shuffled).ShouldBeEmpty($"incidents only in the order of submission (against shuffle {shuffle})");
        }
    }

    [Fact]
    public void Reports_that_chain_do_depend_on_order_so_the_test_can_tell()
    {
        // Two towns 8.6 km apart on one day: one incident either way, placed where its first report says.
        var articles = Reports(
        [
            new GeneratedArticle("t", "Russian warplanes carried out air strikes on Morek in the Hama countryside on Monday, killing 3 civilians.", "en", "2020-03-03"),
            new GeneratedArticle("t", "A car bomb exploded in the centre of al-Lataminah on Monday, killing 4 people.", "en", "2020-03-03"),
        ]);

        Record(articles).ShouldNotBe(Record([articles[1], articles[0]]));
    }

    /// <summary>Each article's reports, as Geocoding sends them to the ledger: summaries of incidents told in detail left out.</summary>
    private static List<ArticleReports> Reports(IReadOnlyList<GeneratedArticle> articles)
    {
        var extractor = new IncidentExtractor();
        return articles.Select((article, index) =>
        {
            var published = DateOnly.ParseExact(article.Published, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            var found = extractor.Extract(new ExtractionInput(article.Text, article.Language, published));
            var places = Geocoder.Value.ResolveArticle(found
                .Select(incident => (IReadOnlyList<PlaceQuery>)incident.Places.Select(p => new PlaceQuery(p.Name, p.Relation, p.Hints)).ToList()).ToList());
            var summaries = ArticleSummaries.Find(found
                .Select((incident, i) => new ArticleSummaries.Told(incident.EventType, incident.DateStart, incident.DateEnd, incident.Evidence.Start, places[i]))
                .ToList());
            var id = new Guid(index + 1, 0, 0, new byte[8]);
            var reports = found.Select((incident, ordinal) => (incident, ordinal))
                .Where(x => !summaries.Contains(x.ordinal))
                .Select(x => new IncidentReport(x.incident.EventType, x.incident.SubEventType,
                    x.incident.Actors.Select(a => new IncidentActor(a.ActorId, a.Alias)).ToList(),
                    places[x.ordinal] is { } place
                        ? new IncidentPlace(place.Place.GeonameId, place.Place.Name, place.Place.Latitude, place.Place.Longitude, place.Precision,
                            place.Place.CountryCode, place.Place.Admin1Code, place.Admin1Name, place.Place.Admin2Code, place.Admin2Name, place.MatchedText, place.Confidence)
                        : null,
                    x.incident.DateStart, x.incident.DateEnd, x.incident.Fatalities, x.incident.Arrests,
                    new IncidentSource(id, x.ordinal, article.Title, null, null, article.Language, published, IncidentExtractor.Version,
                        Geocoding.Engine.Geocoder.Version, new IncidentEvidence(x.incident.Evidence.Start, x.incident.Evidence.Length, x.incident.Evidence.Text), null)))
                .ToList();
            return new ArticleReports(id, IncidentExtractor.Version, reports);
        }).ToList();
    }

    /// <summary>
    /// The ledger in memory: each article decided against the incidents on record (its candidates found by the same
    /// filter the database query uses), the events applied by the read model's projection. Each incident as one line.
    /// </summary>
    private static List<string> Record(IReadOnlyList<ArticleReports> articles)
    {
        var incidents = new Dictionary<Guid, IncidentDetails>();
        var clock = DateTimeOffset.UnixEpoch;
        foreach (var article in articles)
        {
            var own = incidents.Values.Where(i => i.ArticleIds.Contains(article.ArticleId)).ToList();
            var candidates = article.Reports.Where(r => IncidentLedger.NeedsCandidates(r, article.ArticleId, own))
                .ToDictionary(r => r.Source.Ordinal, r => (IReadOnlyList<IncidentDetails>)incidents.Values.Where(IncidentLedger.CandidateFilter(r).Matches).ToList());
            var decision = IncidentLedger.Decide(article, new LedgerView(own, candidates));
            decision.Rejection.ShouldBeNull();
            clock = clock.AddSeconds(1);
            foreach (var append in decision.Appends)
            {
                var before = incidents.GetValueOrDefault(append.IncidentId);
                incidents[append.IncidentId] = IncidentDetailsProjection.Applied(append.Event, before, (before?.Version ?? 0) + 1, clock);
            }
        }
        return incidents.Values
            .Select(i => string.Join(" | ", i.EventType, i.SubEventType, i.Place?.GeonameId, i.Place?.Precision, i.DateStart, i.DateEnd, i.Fatalities, i.Arrests,
                string.Join(',', i.Actors.Select(a => a.ActorId).Order(StringComparer.Ordinal)),
                string.Join(';', i.Sources.Select(s => $"{s.ArticleId}@{s.Ordinal}").Order(StringComparer.Ordinal))))
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
