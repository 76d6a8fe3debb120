using BenchmarkDotNet.Attributes;
using Platform.Geocoding.Engine;

namespace Platform.Benchmarks;

/// <summary>
/// Gazetteer loading (SY+IQ+LB+JO+TR with the Who's On First extras) and place lookups. The data is read from
/// PLATFORM_GAZETTEER_DIR, or ../shared/gazetteer beside the checkout.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5)]
public class GeocodingBenchmarks
{
    private static readonly PlaceQuery[][] Lookups =
    [
        [new("الباغوز", "in", ["دير الزور"])],
        [new("عين ديوار", "in", [])],
        [new("القامشلي", "countryside-of", [])],
        [new("Maarat al-Numan", "in", ["Idlib"])],
        [new("سنجار", "in", []), new("إدلب", "countryside-of", [])],
        [new("Hasakah", "in", [])],
        [new("رأس العين", "in", ["الحسكة"])],
        [new("قرية لا وجود لها", "in", [])],
    ];

    private Gazetteer _gazetteer = null!;
    private Geocoder _geocoder = null!;
    private int _next;

    public static string GazetteerDirectory()
    {
        if (Environment.GetEnvironmentVariable("PLATFORM_GAZETTEER_DIR") is { Length: > 0 } configured)
        {
            return configured;
        }
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Platform.sln")))
            {
                return Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "gazetteer"));
            }
        }
        throw new InvalidOperationException("Set PLATFORM_GAZETTEER_DIR to the GeoNames folder.");
    }

    [GlobalSetup]
    public void Setup()
    {
        _gazetteer = Gazetteer.Load(new GazetteerOptions { Directory = GazetteerDirectory() });
        _geocoder = new Geocoder(_gazetteer);
    }

    /// <summary>One lookup per call, cycling through ambiguous, hinted, Latin and unknown names.</summary>
    [Benchmark]
    public GeocodeResult? Lookup() => _geocoder.Resolve(Lookups[_next++ % Lookups.Length]);

    [Benchmark]
    public int LoadFiveCountries() => Gazetteer.Load(new GazetteerOptions { Directory = GazetteerDirectory() }).Count;
}
