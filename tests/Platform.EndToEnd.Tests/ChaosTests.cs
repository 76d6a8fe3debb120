using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using Npgsql;
using Platform.Ingestion.V1;
using Platform.LoadTool;
using Platform.Query.V1;
using Platform.Testing;
using Xunit.Abstractions;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// The delivery promise under faults: the same generated articles go through a platform left alone and through one
/// whose every service is SIGKILLed and started again, whose RabbitMQ is restarted and then killed, and whose
/// PostgreSQL is restarted, all while the articles stream in. Both ledgers must hold every article once, every report
/// once and the same incidents. PLATFORM_CHAOS_ARTICLES and PLATFORM_CHAOS_RATE size the run (CI: 800 at 25/s);
/// deploy/local/platform.sh chaos N runs it with N articles and prints the report.
/// </summary>
public sealed class ChaosTests(ITestOutputHelper output)
{
    private static readonly int Articles = Setting("PLATFORM_CHAOS_ARTICLES", 800);
    private static readonly double Rate = Setting("PLATFORM_CHAOS_RATE", 25);
    private const int Clients = 8;
    private static readonly TimeSpan ReadyWithin = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Killing_every_service_and_restarting_the_broker_and_the_database_under_load_loses_and_doubles_nothing()
    {
        var articles = ArticleGenerator.Generate(Articles, seed: 7, run: "chaos-" + Guid.NewGuid().ToString("N")[..8], orderIndependent: true);
        var report = new StringBuilder();
        void Say(string line)
        {
            report.AppendLine(line);
            output.WriteLine(line);
        }
        Say($"chaos run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC: {articles.Count:N0} articles, {Clients} unary clients at {Rate:F0} articles/s");

        // The reference: the same input through a platform nobody disturbs.
        var clean = new RunningPlatform();
        Outcome reference;
        try
        {
            await clean.InitializeAsync();
            reference = await RunAsync(clean, articles, faults: null);
        }
        finally
        {
            await clean.DisposeAsync();
        }
        Say($"clean: {reference.Summary}");

        await using var infrastructure = await PrivateInfrastructure.StartAsync();
        var chaotic = new RunningPlatform(infrastructure.Endpoints);
        Outcome result;
        var faults = new List<string>();
        try
        {
            await chaotic.InitializeAsync();
            result = await RunAsync(chaotic, articles, (clock, cancellationToken) => InjectFaultsAsync(chaotic, infrastructure, clock, faults, cancellationToken));
            foreach (var service in chaotic.Services)
            {
                service.HasExited.ShouldBeFalse($"{service.Name} stopped by itself:\n{service.Tail()}");
            }
        }
        catch
        {
            output.WriteLine(chaotic.Diagnostics());
            throw;
        }
        finally
        {
            await chaotic.DisposeAsync();
        }
        Say($"chaos: {result.Summary}");
        Say("faults (seconds after the first submission; recovered = every service ready again):");
        faults.ForEach(Say);
        Say("client status codes while submitting: " + (result.Statuses.IsEmpty ? "none" : string.Join(", ", result.Statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} {s.Value}"))));
        await WriteReportAsync(report.ToString());

        // Every article was accepted and is stored once; the answers during outages said so clearly.
        result.Accepted.OrderBy(a => a.Key).ShouldBe(reference.Accepted.OrderBy(a => a.Key));
        result.StoredArticles.ShouldBe((articles.Count, articles.Count));
        result.Statuses.Keys.Where(code => code != StatusCode.Unavailable).ShouldBeEmpty(
            "an outage must answer UNAVAILABLE, not hang (DEADLINE_EXCEEDED) or fail (INTERNAL, UNKNOWN)");
        // Every report once, the same as without faults, and the same incidents.
        reference.Reports.Values.ShouldAllBe(n => n == 1);
        result.Reports.Where(r => r.Value > 1).Select(r => r.Key).ShouldBeEmpty("recorded more than once");
        reference.Reports.Keys.Except(result.Reports.Keys).ShouldBeEmpty("missing after the faults");
        result.Reports.Keys.Except(reference.Reports.Keys).ShouldBeEmpty("recorded only after the faults");
        result.Incidents.Except(reference.Incidents).ShouldBeEmpty("incidents only after the faults");
        reference.Incidents.Except(result.Incidents).ShouldBeEmpty("incidents only without faults");
        result.ErrorQueueMessages.ShouldBe(0);
        faults.Count.ShouldBe(7);
    }

    /// <summary>What a run left: counts to compare and the figures for the report.</summary>
    private sealed record Outcome(
        Dictionary<int, string> Accepted,
        (long Events, long Streams) StoredArticles,
        Dictionary<(string Article, int Ordinal), int> Reports,
        List<string> Incidents,
        ConcurrentDictionary<StatusCode, int> Statuses,
        int Duplicates,
        long ErrorQueueMessages,
        double SubmitSeconds,
        double DrainSeconds)
    {
        public string Summary =>
            $"{Accepted.Count:N0} accepted in {SubmitSeconds:F0} s ({Duplicates} answered duplicate after a retry), " +
            $"{StoredArticles.Streams:N0} articles stored ({StoredArticles.Events:N0} ingested events), {Reports.Count:N0} reports " +
            $"({Reports.Count(r => r.Value > 1)} twice), {Incidents.Count:N0} incidents, {ErrorQueueMessages} in error queues; " +
            $"ledger complete {DrainSeconds:F0} s after the last submission and the last fault";
    }

    private static async Task<Outcome> RunAsync(RunningPlatform platform, IReadOnlyList<GeneratedArticle> articles,
        Func<Stopwatch, CancellationToken, Task>? faults)
    {
        var statuses = new ConcurrentDictionary<StatusCode, int>();
        var accepted = new ConcurrentDictionary<int, string>();
        var duplicates = 0;
        var next = -1;
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        var chaos = faults is null ? Task.CompletedTask : Task.Run(() => faults(clock, stop.Token));
        var interval = TimeSpan.FromSeconds(1 / Rate);
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < articles.Count)
            {
                await PacedSubmission.WhenDueAsync(i, interval, clock);
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        var response = await platform.IngestionClient.SubmitArticleAsync(PacedSubmission.Request(articles[i], "chaos"),
                            deadline: DateTime.UtcNow.AddSeconds(20));
                        accepted[i] = response.ArticleId;
                        if (response.Duplicate)
                        {
                            Interlocked.Increment(ref duplicates);
                        }
                        break;
                    }
                    catch (RpcException e) when (attempt < 200)
                    {
                        // Every failure is counted; only UNAVAILABLE is a right answer to an outage. Sent again either
                        // way, so that the ledger comparison below does not depend on the answer.
                        statuses.AddOrUpdate(e.StatusCode, 1, (_, n) => n + 1);
                        await Task.Delay(TimeSpan.FromMilliseconds(250 * Math.Min(attempt, 8)));
                    }
                }
            }
        })));
        var submitSeconds = clock.Elapsed.TotalSeconds;
        await chaos;
        var submitted = clock.Elapsed;

        // Drained: nothing queued or unacknowledged in the virtual host and the ledger unchanged for three looks in a row.
        var reports = new Dictionary<(string, int), int>();
        var stable = 0;
        var lastChange = Stopwatch.StartNew();
        while (stable < 3 && lastChange.Elapsed < TimeSpan.FromMinutes(3))
        {
            await Task.Delay(2_000);
            var now = await ReportsAsync(platform.QueryClient);
            var queued = await QueuedAsync(platform.Infrastructure, errorQueuesOnly: false);
            if (now.Count != reports.Count || now.Values.Sum() != reports.Values.Sum())
            {
                (reports, stable) = (now, 0);
                lastChange.Restart();
            }
            else if (queued == 0)
            {
                stable++;
            }
        }
        var drainSeconds = (clock.Elapsed - submitted - lastChange.Elapsed).TotalSeconds;
        return new Outcome(
            new Dictionary<int, string>(accepted),
            await StoredArticlesAsync(platform.Infrastructure),
            reports,
            await IncidentsAsync(platform.QueryClient),
            statuses,
            duplicates,
            await QueuedAsync(platform.Infrastructure, errorQueuesOnly: true),
            submitSeconds,
            Math.Max(0, drainSeconds));
    }

    /// <summary>
    /// Seven faults spread over the submission, one after another (each waits until the platform is ready again):
    /// SIGKILL of each service, a RabbitMQ restart, a RabbitMQ SIGKILL, a PostgreSQL restart.
    /// </summary>
    private static async Task InjectFaultsAsync(RunningPlatform platform, PrivateInfrastructure infrastructure, Stopwatch clock,
        List<string> log, CancellationToken cancellationToken)
    {
        (string Name, Func<Task> Do)[] faults =
        [
            ("SIGKILL ingestion, start it again", () => platform.KillAndStartAgainAsync(platform.Ingestion, ReadyWithin)),
            ("SIGKILL extraction, start it again", () => platform.KillAndStartAgainAsync(platform.Extraction, ReadyWithin)),
            ("SIGKILL geocoding, start it again", () => platform.KillAndStartAgainAsync(platform.Geocoding, ReadyWithin)),
            ("SIGKILL query, start it again", () => platform.KillAndStartAgainAsync(platform.Query, ReadyWithin)),
            ("restart RabbitMQ (stop, start)", async () =>
            {
                await infrastructure.StopAsync("rabbitmq");
                await infrastructure.StartAsync("rabbitmq");
            }),
            ("SIGKILL RabbitMQ, start it again", async () =>
            {
                await infrastructure.KillRabbitMqAsync();
                await infrastructure.StartAsync("rabbitmq");
            }),
            ("restart PostgreSQL (fast stop, start)", async () =>
            {
                await infrastructure.StopAsync("postgres");
                await infrastructure.StartAsync("postgres");
            }),
        ];
        var span = TimeSpan.FromSeconds(Articles / Rate);
        for (var f = 0; f < faults.Length; f++)
        {
            var due = span * (f + 1) / (faults.Length + 1) - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, cancellationToken);
            }
            var at = clock.Elapsed;
            await faults[f].Do();
            var back = clock.Elapsed;
            var readyAt = await Task.WhenAll(platform.Services.Select(async s =>
            {
                await s.WaitUntilReadyAsync(ReadyWithin);
                return (s.Name, At: clock.Elapsed);
            }));
            var last = readyAt.MaxBy(r => r.At);
            log.Add(string.Create(CultureInfo.InvariantCulture,
                $"  {at.TotalSeconds,6:F1}  {faults[f].Name}: back after {(back - at).TotalSeconds:F1} s, recovered after {(last.At - at).TotalSeconds:F1} s (last ready: {last.Name})"));
            // A pause between faults, so each one hits a pipeline that is running.
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        }
    }

    /// <summary>Every report in the ledger (reported or corroborating) by its article and ordinal, with how often it was recorded.</summary>
    private static async Task<Dictionary<(string, int), int>> ReportsAsync(IncidentQuery.IncidentQueryClient query)
    {
        var reports = new Dictionary<(string, int), int>();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                reports.Clear();
                using var call = query.ReadEvents(new ReadEventsRequest { FromPosition = 0, EventTypes = { "incident_reported", "incident_corroborated" } },
                    deadline: DateTime.UtcNow.AddMinutes(2));
                await foreach (var stored in call.ResponseStream.ReadAllAsync())
                {
                    using var json = JsonDocument.Parse(stored.DataJson);
                    var source = json.RootElement.GetProperty("Source");
                    var key = (source.GetProperty("ArticleId").GetString()!, source.GetProperty("Ordinal").GetInt32());
                    reports[key] = reports.GetValueOrDefault(key) + 1;
                }
                return reports;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && attempt < 30)
            {
                await Task.Delay(1_000);
            }
        }
    }

    /// <summary>Each incident as one line: what, where, when, how many, who, and its sources (article and evidence offset).</summary>
    private static async Task<List<string>> IncidentsAsync(IncidentQuery.IncidentQueryClient query)
    {
        var incidents = new List<string>();
        var token = "";
        do
        {
            var page = await query.SearchIncidentsAsync(new SearchIncidentsRequest
            {
                FromDate = "2019-01-01", ToDate = "2022-12-31", PageSize = 500, PageToken = token,
            }, deadline: DateTime.UtcNow.AddSeconds(30));
            incidents.AddRange(page.Incidents.Select(i => string.Join(" | ",
                i.EventType, i.SubEventType, i.Place?.GeonameId, i.Place?.Precision, i.DateStart, i.DateEnd, i.Fatalities, i.Arrests, i.Retracted,
                string.Join(',', i.Actors.Select(a => a.ActorId).Order(StringComparer.Ordinal)),
                string.Join(',', i.Sources.Select(s => $"{s.ArticleId}@{s.Evidence?.Start}").Order(StringComparer.Ordinal)))));
            token = page.NextPageToken;
        }
        while (token.Length > 0);
        incidents.Sort(StringComparer.Ordinal);
        return incidents;
    }

    /// <summary>ArticleIngested events and article streams in Ingestion's store: equal when no article was stored twice.</summary>
    private static async Task<(long, long)> StoredArticlesAsync(IsolatedInfrastructure infrastructure)
    {
        await using var connection = new NpgsqlConnection(infrastructure.Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select count(*), count(distinct stream_id) from \"{infrastructure.Schema("ingestion")}\".mt_events where type = 'article_ingested'", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>Messages ready or unacknowledged in the virtual host's queues (or only its error queues).</summary>
    private static async Task<long> QueuedAsync(IsolatedInfrastructure infrastructure, bool errorQueuesOnly)
    {
        using var client = infrastructure.Endpoints.ManagementClient();
        using var json = JsonDocument.Parse(await client.GetStringAsync($"api/queues/{Uri.EscapeDataString(infrastructure.VirtualHost)}?columns=name,messages"));
        return json.RootElement.EnumerateArray()
            .Where(q => !errorQueuesOnly || q.GetProperty("name").GetString()!.EndsWith("_error", StringComparison.Ordinal))
            .Sum(q => q.TryGetProperty("messages", out var messages) ? messages.GetInt64() : 0);
    }

    private static async Task WriteReportAsync(string report)
    {
        var directory = Path.Combine(RepositoryPaths.Root, ".local", "run");
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, $"chaos-{Articles}.txt"), report);
    }

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;
}
