using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Platform.Benchmarks.ExtractionBenchmarks).Assembly).Run(args);
