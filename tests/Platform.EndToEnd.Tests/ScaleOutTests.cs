using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Grpc.Core;
using Platform.LoadTool;
using Platform.Query.V1;
using Platform.Testing;
using Xunit.Abstractions;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// Two instances of every service at once, started together on one schema pair and one virtual host: the same
/// generated articles, submitted through both Ingestion instances, must give through both Query instances exactly the
/// ledger a single instance of each gives. Meanwhile the Ingestion instance running the outbox publisher is SIGKILLed:
/// the other takes over (HotCold leader election), and only one publishes at a time. PLATFORM_SCALE_ARTICLES and
/// PLATFORM_SCALE_RATE size the run (CI: 300 at 30/s).
/// </summary>
public sealed class ScaleOutTests(ITestOutputHelper output)
{
    private static readonly int Articles = PipelineRun.Setting("PLATFORM_SCALE_ARTICLES", 300);
    private static readonly double Rate = PipelineRun.Setting("PLATFORM_SCALE_RATE", 30);
    private const int Clients = 8;
    private const string SourceName = "scale-out";
    private static readonly TimeSpan ReadyWithin = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Two_instances_of_every_service_record_every_report_once_and_the_outbox_fails_over()
    {
        var articles = ArticleGenerator.Generate(Articles, seed: 11, run: "scale-" + Guid.NewGuid().ToString("N")[..8], orderIndependent: true);

        var single = new RunningPlatform();
        PipelineRun.Outcome reference;
        try
        {
            await single.InitializeAsync();
            reference = await PipelineRun.RunAsync(single, articles, Clients, Rate, SourceName, faults: null);
        }
        finally
        {
            await single.DisposeAsync();
        }
        output.WriteLine($"one instance each: {reference.Summary}");

        var scaled = new RunningPlatform(endpoints: null, instancesPerService: 2);
        try
        {
            var startUp = Stopwatch.StartNew();
            await scaled.InitializeAsync();
            output.WriteLine($"two instances each: all eight ready {startUp.Elapsed.TotalSeconds:F1} s after starting them at once");

            // A watcher on each Query instance: each must see every incident, whichever instance recorded it.
            using var stopWatching = new CancellationTokenSource();
            var watched = scaled.QueryClients.Select(_ => new ConcurrentDictionary<string, byte>()).ToArray();
            var watchers = scaled.QueryClients.Select((client, i) => WatchReportedAsync(client, watched[i], stopWatching.Token)).ToArray();

            var ingestion = scaled.Instances("ingestion").ToArray();
            var failOver = new FailOver();
            var result = await PipelineRun.RunAsync(scaled, articles, Clients, Rate, SourceName,
                (clock, cancellationToken) => KillTheLeaderAsync(scaled, ingestion, clock, failOver, cancellationToken));
            output.WriteLine($"two instances each: {result.Summary}");

            // The same ledger as one instance of each, read through either Query instance.
            result.Accepted.OrderBy(a => a.Key).ShouldBe(reference.Accepted.OrderBy(a => a.Key));
            result.StoredArticles.ShouldBe((articles.Count, articles.Count));
            result.Statuses.Keys.Where(code => code != StatusCode.Unavailable).ShouldBeEmpty("only the killed instance's outage may be answered");
            result.ErrorQueueMessages.ShouldBe(0);
            reference.Reports.Values.ShouldAllBe(n => n == 1);
            foreach (var (query, i) in scaled.QueryClients.Select((client, i) => (client, i)))
            {
                var reports = await PipelineRun.ReportsAsync(query);
                reports.Where(r => r.Value > 1).Select(r => r.Key).ShouldBeEmpty($"recorded more than once (query instance {i + 1})");
                reports.Keys.Order().ShouldBe(reference.Reports.Keys.Order(), $"the reports through query instance {i + 1}");
                (await PipelineRun.IncidentsAsync(query)).ShouldBe(reference.Incidents, $"the incidents through query instance {i + 1}");
            }

            // The outbox: one publisher before the kill, the other after it, nothing from the restarted one.
            failOver.Leader.ShouldNotBeNull("no Ingestion instance published before the kill");
            var survivor = ingestion.Single(s => s != failOver.Leader);
            var leaderPublished = Published(failOver.Leader);
            var survivorPublished = Published(survivor);
            survivorPublished.Where(p => p.At < failOver.KilledAt).ShouldBeEmpty("the standby published while the leader ran");
            survivorPublished.ShouldNotBeEmpty("the standby never took over the outbox");
            Published(scaled.Instances("ingestion")[Array.IndexOf(ingestion, failOver.Leader)]).ShouldBeEmpty(
                "the restarted instance published while the other held the leadership");
            leaderPublished.Concat(survivorPublished).Select(p => p.ArticleId).ToHashSet().SetEquals(result.Accepted.Values)
                .ShouldBeTrue("every stored article published, by one of the two");
            var takeOver = survivorPublished.Min(p => p.At) - failOver.KilledAt;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"outbox: {failOver.Leader.Name} published {leaderPublished.Count} articles, SIGKILLed {failOver.KilledAtSeconds:F1} s into the run; " +
                $"{survivor.Name} published its first {takeOver.TotalSeconds:F1} s later, {survivorPublished.Count} in all " +
                $"({leaderPublished.Select(p => p.ArticleId).Intersect(survivorPublished.Select(p => p.ArticleId)).Count()} published by both)"));
            // The standby polls for the leadership every second (Ingestion's LeadershipPollingTime), then starts the publisher.
            takeOver.ShouldBeLessThan(TimeSpan.FromSeconds(5));

            // Competing consumers: both instances of each consumer did part of the work, together all of it.
            foreach (var service in new[] { "extraction", "geocoding", "query" })
            {
                var handled = scaled.Instances(service).Select(s => ArticlesHandled(s, service == "query" ? "Started" : null)).ToArray();
                output.WriteLine($"{service}: " + string.Join(", ", handled.Select((h, i) => $"instance {i + 1} {h.Count}")));
                handled.ShouldAllBe(h => h.Count > 0, $"an instance of {service} did no work");
                if (service != "query")
                {
                    handled.SelectMany(h => h).ToHashSet().SetEquals(result.Accepted.Values).ShouldBeTrue($"{service} missed articles");
                }
            }

            // Watchers on each Query instance saw every incident reported, those the other instance recorded too.
            var everyIncidentSeen = await RabbitQueues.EventuallyAsync(() => Task.FromResult(watched.All(w => w.Count == reference.Incidents.Count)), TimeSpan.FromSeconds(30));
            stopWatching.Cancel();
            await Task.WhenAll(watchers);
            everyIncidentSeen.ShouldBeTrue($"watchers saw {string.Join(" and ", watched.Select(w => w.Count))} of {reference.Incidents.Count} incidents");
            watched[0].Keys.Order().ShouldBe(watched[1].Keys.Order());
            output.WriteLine($"watchers: each saw all {reference.Incidents.Count} incidents reported");

            // The same new article through both Ingestion instances at the same moment: one stores it, the other
            // answers that it is a duplicate, and it is stored once.
            var twins = ArticleGenerator.Generate(20, seed: 12, run: "twin-" + Guid.NewGuid().ToString("N")[..8], orderIndependent: true);
            var answers = await Task.WhenAll(twins.Select(article => Task.WhenAll(scaled.IngestionClients.Select(client =>
                client.SubmitArticleAsync(PacedSubmission.Request(article, SourceName), deadline: DateTime.UtcNow.AddSeconds(20)).ResponseAsync))));
            foreach (var pair in answers)
            {
                pair.Select(a => a.ArticleId).Distinct().Count().ShouldBe(1);
                pair.Count(a => !a.Duplicate).ShouldBe(1, "stored by exactly one of the two instances");
            }
            (await PipelineRun.StoredArticlesAsync(scaled.Infrastructure)).ShouldBe((articles.Count + twins.Count, articles.Count + twins.Count));
        }
        catch
        {
            output.WriteLine(scaled.Diagnostics());
            throw;
        }
        finally
        {
            await scaled.DisposeAsync();
        }
    }

    /// <summary>Which Ingestion instance led the outbox and when it was killed (UTC, and seconds into the run).</summary>
    private sealed class FailOver
    {
        public ServiceProcess? Leader { get; set; }
        public DateTime KilledAt { get; set; }
        public double KilledAtSeconds { get; set; }
    }

    /// <summary>
    /// A third of the way into the submission, SIGKILLs the Ingestion instance that has published (the outbox's leader)
    /// and starts it again on its ports.
    /// </summary>
    private static async Task KillTheLeaderAsync(RunningPlatform platform, ServiceProcess[] ingestion, Stopwatch clock, FailOver failOver,
        CancellationToken cancellationToken)
    {
        var due = TimeSpan.FromSeconds(Articles / Rate / 3) - clock.Elapsed;
        if (due > TimeSpan.Zero)
        {
            await Task.Delay(due, cancellationToken);
        }
        // The leader is the one that publishes; killed once it has published a fair share, so the hand-over is mid-run.
        while (ingestion.All(s => Published(s).Count < Articles / 10))
        {
            await Task.Delay(100, cancellationToken);
        }
        failOver.Leader = ingestion.First(s => Published(s).Count >= Articles / 10);
        failOver.KilledAt = DateTime.UtcNow;
        failOver.KilledAtSeconds = clock.Elapsed.TotalSeconds;
        await platform.KillAndStartAgainAsync(failOver.Leader, ReadyWithin);
    }

    /// <summary>The articles an instance published ("Published article" lines), with the time of each line.</summary>
    private static List<(DateTime At, string ArticleId)> Published(ServiceProcess service) =>
        [.. LogLines(service, "Published article").Select(line => (line.At, line.State.GetProperty("ArticleId").GetString()!))];

    /// <summary>The articles a consumer's instance handled ("Article {ArticleId}: ..." lines); with a field, only those where it is above 0.</summary>
    private static HashSet<string> ArticlesHandled(ServiceProcess service, string? positiveField) =>
        [.. LogLines(service, "Article ")
            .Where(line => line.State.TryGetProperty("ArticleId", out _)
                && (positiveField is null || int.Parse(line.State.GetProperty(positiveField).ToString(), CultureInfo.InvariantCulture) > 0))
            .Select(line => line.State.GetProperty("ArticleId").ToString())];

    /// <summary>The JSON log lines whose message starts with <paramref name="prefix"/>: their UTC timestamp and template values.</summary>
    private static IEnumerable<(DateTime At, JsonElement State)> LogLines(ServiceProcess service, string prefix)
    {
        foreach (var line in service.Output)
        {
            if (!line.StartsWith('{') || !line.Contains(prefix, StringComparison.Ordinal))
            {
                continue;
            }
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            if (root.TryGetProperty("Message", out var message) && message.GetString()!.StartsWith(prefix, StringComparison.Ordinal)
                && root.TryGetProperty("State", out var state))
            {
                yield return (DateTime.Parse(root.GetProperty("Timestamp").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal),
                    state.Clone());
            }
        }
    }

    /// <summary>Follows one Query instance's changes from now on and keeps the ids of the incidents reported.</summary>
    private static async Task WatchReportedAsync(IncidentQuery.IncidentQueryClient query, ConcurrentDictionary<string, byte> reported,
        CancellationToken cancellationToken)
    {
        try
        {
            using var call = query.WatchIncidents(new WatchIncidentsRequest { FromNow = true }, cancellationToken: cancellationToken);
            await foreach (var change in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                if (change.Change == "reported")
                {
                    reported.TryAdd(change.Incident.IncidentId, 0);
                }
            }
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

}
