using System.Diagnostics;
using System.Globalization;
using System.Text;
using Grpc.Core;
using Platform.LoadTool;
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
    private static readonly int Articles = PipelineRun.Setting("PLATFORM_CHAOS_ARTICLES", 800);
    private static readonly double Rate = PipelineRun.Setting("PLATFORM_CHAOS_RATE", 25);
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
        PipelineRun.Outcome reference;
        try
        {
            await clean.InitializeAsync();
            reference = await PipelineRun.RunAsync(clean, articles, Clients, Rate, "chaos", faults: null);
        }
        finally
        {
            await clean.DisposeAsync();
        }
        Say($"clean: {reference.Summary}");

        await using var infrastructure = await PrivateInfrastructure.StartAsync();
        var chaotic = new RunningPlatform(infrastructure.Endpoints);
        PipelineRun.Outcome result;
        var faults = new List<string>();
        try
        {
            await chaotic.InitializeAsync();
            result = await PipelineRun.RunAsync(chaotic, articles, Clients, Rate, "chaos", (clock, cancellationToken) => InjectFaultsAsync(chaotic, infrastructure, clock, faults, cancellationToken));
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

    private static async Task WriteReportAsync(string report)
    {
        var directory = Path.Combine(RepositoryPaths.Root, ".local", "run");
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, $"chaos-{Articles}.txt"), report);
    }
}
