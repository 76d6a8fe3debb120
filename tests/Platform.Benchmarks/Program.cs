using BenchmarkDotNet.Running;
using Platform.Benchmarks;

if (args is ["allcountries", ..])
{
    return AllCountriesLoad.Run(args);
}
BenchmarkSwitcher.FromAssembly(typeof(ExtractionBenchmarks).Assembly).Run(args);
return 0;
