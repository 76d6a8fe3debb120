using BenchmarkDotNet.Attributes;
using Platform.Extraction.Engine;
using Platform.Geocoding.Engine;

namespace Platform.Benchmarks;

/// <summary>
/// One 3 KB article through both engines, as the Extraction and Geocoding services run them: extraction, then every
/// incident's place mentions (cued, free and the article's setting) resolved against the five-country gazetteer.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class PipelineBenchmarks
{
    private readonly IncidentExtractor _extractor = new();
    private Geocoder _geocoder = null!;
    private ExtractionInput _arabic = null!;
    private ExtractionInput _english = null!;

    [GlobalSetup]
    public void Setup()
    {
        _geocoder = new Geocoder(Gazetteer.Load(new GazetteerOptions { Directory = GeocodingBenchmarks.GazetteerDirectory() }));
        _arabic = new ExtractionInput(ExtractionBenchmarks.Article(ExtractionBenchmarks.ArabicParagraphs), "ar", new DateOnly(2020, 2, 4));
        _english = new ExtractionInput(ExtractionBenchmarks.Article(ExtractionBenchmarks.EnglishParagraphs), "en", new DateOnly(2020, 2, 4));
    }

    private int Run(ExtractionInput input)
    {
        var incidents = _extractor.Extract(input);
        var places = _geocoder.ResolveArticle(incidents
            .Select(i => (IReadOnlyList<PlaceQuery>)i.Places.Select(p => new PlaceQuery(p.Name, p.Relation, p.Hints)).ToList()).ToList());
        return places.Count(p => p is not null);
    }

    [Benchmark]
    public int ArabicArticle3KB() => Run(_arabic);

    [Benchmark]
    public int EnglishArticle3KB() => Run(_english);
}
