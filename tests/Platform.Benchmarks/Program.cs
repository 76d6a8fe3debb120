using BenchmarkDotNet.Running;
using Platform.Benchmarks;

if (args is ["gazetteer-memory", ..])
{
    // The live heap a loaded gazetteer holds (SY+IQ+LB+JO+TR with extras), after a full collection.
    var before = GC.GetTotalMemory(forceFullCollection: true);
    var gazetteer = Platform.Geocoding.Engine.Gazetteer.Load(new() { Directory = GeocodingBenchmarks.GazetteerDirectory() });
    var live = GC.GetTotalMemory(forceFullCollection: true) - before;
    Console.WriteLine($"{gazetteer.Count} places, {gazetteer.Report.Names} name keys: {live / 1024.0 / 1024:F1} MiB live");
    GC.KeepAlive(gazetteer);
    return 0;
}
if (args is ["allcountries", ..])
{
    return AllCountriesLoad.Run(args);
}
BenchmarkSwitcher.FromAssembly(typeof(ExtractionBenchmarks).Assembly).Run(args);
return 0;
