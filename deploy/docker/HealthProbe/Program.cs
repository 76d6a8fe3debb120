using Platform.HealthProbe;

return await Probe.RunAsync(args, Console.Error, CancellationToken.None);
