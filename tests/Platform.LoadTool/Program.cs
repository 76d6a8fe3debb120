using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Query;
using Platform.Query.Incidents;
using Platform.Query.V1;

// dotnet run -c Release --project tests/Platform.LoadTool -- seed INCIDENTS [SCHEMA]
// dotnet run -c Release --project tests/Platform.LoadTool -- measure [SECONDS] [QUERY_GRPC]
// dotnet run -c Release --project tests/Platform.LoadTool -- pipeline ARTICLES [--concurrency C] [--rate R] [--seed S]
// Seeding writes straight into the Query service's Marten schema (default "query"), through the same projection.
var command = args.FirstOrDefault() ?? "help";
return command switch
{
    "seed" => await Seed(int.Parse(args.ElementAtOrDefault(1) ?? "100000", CultureInfo.InvariantCulture), args.ElementAtOrDefault(2) ?? "query"),
    "measure" => await Measure(int.Parse(args.ElementAtOrDefault(1) ?? "30", CultureInfo.InvariantCulture), args.ElementAtOrDefault(2) ?? "http://127.0.0.1:5402"),
    "pipeline" => await Platform.LoadTool.PipelineLoad.RunAsync(Platform.LoadTool.PipelineLoad.Parse(args)),
    "latency" => await Latency(int.Parse(args.ElementAtOrDefault(1) ?? "30", CultureInfo.InvariantCulture)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: seed INCIDENTS [SCHEMA] | measure [SECONDS] [QUERY_GRPC] | latency [ARTICLES] | pipeline ARTICLES [--concurrency C] [--rate R] [--seed S]");
    return 2;
}

// From SubmitArticle returning to a watcher receiving the incident, for articles submitted one after another
// to the running services (ingestion on 5102, query on 5402).
static async Task<int> Latency(int articles)
{
    using var ingestionChannel = Platform.LoadTool.PacedSubmission.Channel("http://127.0.0.1:5102");
    using var queryChannel = Platform.LoadTool.PacedSubmission.Channel("http://127.0.0.1:5402");
    var ingestion = new Platform.Ingestion.V1.ArticleIngestion.ArticleIngestionClient(ingestionChannel);
    var query = new IncidentQuery.IncidentQueryClient(queryChannel);
    using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(10));
    var received = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
    using var watch = query.WatchIncidents(new WatchIncidentsRequest { FromNow = true }, cancellationToken: cancel.Token);
    var reader = Task.Run(async () =>
    {
        try
        {
            await foreach (var change in watch.ResponseStream.ReadAllAsync(cancel.Token))
            {
                foreach (var source in change.Incident.Sources)
                {
                    received.TryAdd(source.ArticleId, Stopwatch.GetTimestamp());
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or RpcException)
        {
        }
    });
    await Task.Delay(500);
    var latencies = new List<double>();
    var run = Guid.NewGuid().ToString("N")[..8];
    for (var i = 0; i < articles; i++)
    {
        var response = await ingestion.SubmitArticleAsync(new Platform.Ingestion.V1.SubmitArticleRequest
        {
            Text = $"Government forces shelled the town of Saraqib on Monday, killing {i + 2} civilians. Report {run}-{i}.",
            PublishedOn = "2021-03-02",
        });
        var submitted = Stopwatch.GetTimestamp();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        long arrived;
        while (!received.TryGetValue(response.ArticleId, out arrived) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(2);
        }
        if (arrived != 0)
        {
            latencies.Add(Stopwatch.GetElapsedTime(submitted, arrived).TotalMilliseconds);
        }
    }
    cancel.Cancel();
    await reader;
    latencies.Sort();
    double Percentile(double p) => latencies[Math.Clamp((int)Math.Ceiling(p * latencies.Count) - 1, 0, latencies.Count - 1)];
    Console.WriteLine($"submit to watcher: {latencies.Count}/{articles} received, p50 {Percentile(0.5):F0} ms, p90 {Percentile(0.9):F0} ms, max {latencies[^1]:F0} ms");
    return 0;
}

static async Task<int> Seed(int incidents, string schema)
{
    var builder = Host.CreateApplicationBuilder();
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["ConnectionStrings:Postgres"] = Environment.GetEnvironmentVariable("PLATFORM_POSTGRES") ?? throw new InvalidOperationException("Set PLATFORM_POSTGRES: eval \"$(deploy/local/infra.sh env)\""),
        ["ConnectionStrings:RabbitMq"] = "amqp://unused:unused@127.0.0.1:1/",
        ["Marten:Schema"] = schema,
    });
    builder.AddQuery();
    using var host = builder.Build();
    var store = host.Services.GetRequiredService<IDocumentStore>();
    // What the Query service creates at start: the search indexes and the daily-counts trigger, so seeding pays
    // for them as live recording does.
    await IncidentSearch.EnsureIndexesAsync(store, CancellationToken.None);
    await DailyCounts.EnsureAsync(store, CancellationToken.None);
    var random = new Random(5);
    string[] types = ["Battles", "Explosions/Remote violence", "Protests", "Violence against civilians", "Strategic developments"];
    string[] actors = ["sdf", "syrian-government", "isis", "coalition", "turkey", "protesters"];
    var clock = Stopwatch.StartNew();
    const int Batch = 2_000;
    for (var done = 0; done < incidents; done += Batch)
    {
        await using var session = store.LightweightSession();
        for (var i = done; i < Math.Min(incidents, done + Batch); i++)
        {
            var article = Guid.NewGuid();
            var day = new DateOnly(2015, 1, 1).AddDays(random.Next(0, 3650));
            var place = new IncidentPlace(random.Next(1, 10_000_000), "Place " + i, 32 + random.NextDouble() * 5, 35 + random.NextDouble() * 7,
                1 + random.Next(3), "SY", random.Next(1, 15).ToString("00", CultureInfo.InvariantCulture), null, null, null, "place", 0.9);
            var id = Guid.NewGuid();
            session.Events.StartStream<IncidentDetails>(id, new IncidentReported(id, types[random.Next(types.Length)], "Armed clash",
                [new IncidentActor(actors[random.Next(actors.Length)], "alias")], place, day, day, random.Next(0, 10), null,
                new IncidentSource(article, 0, "Synthetic report " + i, null, "load", "ar", day, "extraction-0.2.0", "geocoding-0.1.0",
                    new IncidentEvidence(0, 10, "evidence " + i), null)));
        }
        await session.SaveChangesAsync();
        if ((done / Batch) % 25 == 0)
        {
            Console.Error.WriteLine($"{Math.Min(incidents, done + Batch):N0} incidents, {clock.Elapsed.TotalSeconds:F0} s");
        }
    }
    Console.WriteLine($"seeded {incidents:N0} incidents in {clock.Elapsed.TotalSeconds:F1} s ({incidents / clock.Elapsed.TotalSeconds:F0}/s)");
    return 0;
}

static async Task<int> Measure(int seconds, string address)
{
    using var channel = Platform.LoadTool.PacedSubmission.Channel(address);
    var client = new IncidentQuery.IncidentQueryClient(channel);
    var random = new Random(9);
    string[] types = ["Battles", "Explosions/Remote violence", "Protests"];
    var latencies = new List<double>();
    // The first 3 seconds warm up (JIT, connection pools) and are not counted.
    var warmUntil = DateTime.UtcNow.AddSeconds(3);
    var until = warmUntil.AddSeconds(seconds);
    // Typical dashboard queries: a month in a region, often with an event type.
    while (DateTime.UtcNow < until)
    {
        var from = new DateOnly(2015, 1, 1).AddDays(random.Next(0, 3600));
        var lat = 32 + random.NextDouble() * 4;
        var lon = 35 + random.NextDouble() * 6;
        var request = new SearchIncidentsRequest
        {
            FromDate = from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ToDate = from.AddDays(30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            BoundingBox = new BoundingBox { MinLatitude = lat, MaxLatitude = lat + 1, MinLongitude = lon, MaxLongitude = lon + 1 },
            EventType = random.Next(2) == 0 ? types[random.Next(types.Length)] : "",
            PageSize = 50,
        };
        var watch = Stopwatch.StartNew();
        await client.SearchIncidentsAsync(request, deadline: DateTime.UtcNow.AddSeconds(30));
        if (DateTime.UtcNow > warmUntil)
        {
            latencies.Add(watch.Elapsed.TotalMilliseconds);
        }
    }
    latencies.Sort();
    double Percentile(double p) => latencies[Math.Clamp((int)Math.Ceiling(p * latencies.Count) - 1, 0, latencies.Count - 1)];
    Console.WriteLine($"SearchIncidents: {latencies.Count} calls, p50 {Percentile(0.5):F2} ms, p90 {Percentile(0.9):F2} ms, p99 {Percentile(0.99):F2} ms");

    // The same searches as the ledger knew them an hour ago: each candidate rebuilt from its events.
    var asOfLatencies = new List<double>();
    var asOf = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.UtcNow.AddHours(-1));
    for (var i = 0; i < 50; i++)
    {
        var from = new DateOnly(2015, 1, 1).AddDays(random.Next(0, 3600));
        var lat = 32 + random.NextDouble() * 4;
        var lon = 35 + random.NextDouble() * 6;
        var watch = Stopwatch.StartNew();
        await client.SearchIncidentsAsync(new SearchIncidentsRequest
        {
            FromDate = from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ToDate = from.AddDays(30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            BoundingBox = new BoundingBox { MinLatitude = lat, MaxLatitude = lat + 1, MinLongitude = lon, MaxLongitude = lon + 1 },
            PageSize = 50,
            AsOf = asOf,
        }, deadline: DateTime.UtcNow.AddSeconds(60));
        asOfLatencies.Add(watch.Elapsed.TotalMilliseconds);
    }
    asOfLatencies.Sort();
    Console.WriteLine($"SearchIncidents as of an hour ago: median {asOfLatencies[25]:F1} ms, max {asOfLatencies[^1]:F1} ms");

    // Dashboards' daily counts: a year of one country, per day, admin1 and event type.
    var countLatencies = new List<double>();
    for (var i = 0; i < 20; i++)
    {
        var year = 2015 + i % 10;
        var watch = Stopwatch.StartNew();
        var counts = await client.CountIncidentsByDayAsync(new CountIncidentsByDayRequest
        {
            FromDate = $"{year}-01-01",
            ToDate = $"{year}-12-31",
            CountryCode = "SY",
        }, deadline: DateTime.UtcNow.AddSeconds(60));
        countLatencies.Add(watch.Elapsed.TotalMilliseconds);
        if (i == 0)
        {
            Console.WriteLine($"CountIncidentsByDay: {counts.Counts.Count:N0} rows for {year}, {counts.Counts.Sum(c => c.Incidents):N0} incident-days");
        }
    }
    countLatencies.Sort();
    Console.WriteLine($"CountIncidentsByDay (a year of SY): median {countLatencies[countLatencies.Count / 2]:F1} ms, max {countLatencies[^1]:F1} ms");

    var clock = Stopwatch.StartNew();
    long events = 0;
    using (var call = client.ReadEvents(new ReadEventsRequest(), deadline: DateTime.UtcNow.AddHours(1)))
    {
        await foreach (var _ in call.ResponseStream.ReadAllAsync())
        {
            events++;
        }
    }
    Console.WriteLine($"ReadEvents: {events:N0} events in {clock.Elapsed.TotalSeconds:F1} s = {events / clock.Elapsed.TotalSeconds:F0} events/s");
    return 0;
}
