using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Grpc.Core;
using Npgsql;
using Platform.LoadTool;
using Platform.Query.V1;
using Platform.Testing;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// Generated articles through a running platform and what its ledger then holds, read through the public API: the
/// chaos test and the scale-out test compare two runs of the same input with it.
/// </summary>
internal static class PipelineRun
{
    /// <summary>What a run left: counts to compare and the figures for the report.</summary>
    public sealed record Outcome(
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

    /// <summary>
    /// Submits <paramref name="articles"/> at <paramref name="rate"/> per second from <paramref name="clients"/> unary
    /// clients, article i through Ingestion instance i mod n, sending again whatever fails, while
    /// <paramref name="faults"/> (if any) runs on the same clock; then waits until the ledger is complete and reads it.
    /// </summary>
    public static async Task<Outcome> RunAsync(RunningPlatform platform, IReadOnlyList<GeneratedArticle> articles, int clients, double rate,
        string sourceName, Func<Stopwatch, CancellationToken, Task>? faults)
    {
        var statuses = new ConcurrentDictionary<StatusCode, int>();
        var accepted = new ConcurrentDictionary<int, string>();
        var duplicates = 0;
        var next = -1;
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        var chaos = faults is null ? Task.CompletedTask : Task.Run(() => faults(clock, stop.Token));
        var interval = TimeSpan.FromSeconds(1 / rate);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < articles.Count)
            {
                await PacedSubmission.WhenDueAsync(i, interval, clock);
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        var response = await platform.IngestionClients[i % platform.IngestionClients.Count].SubmitArticleAsync(PacedSubmission.Request(articles[i], sourceName),
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

    /// <summary>Every report in the ledger (reported or corroborating) by its article and ordinal, with how often it was recorded.</summary>
    public static async Task<Dictionary<(string Article, int Ordinal), int>> ReportsAsync(IncidentQuery.IncidentQueryClient query)
    {
        var reports = new Dictionary<(string Article, int Ordinal), int>();
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
    public static async Task<List<string>> IncidentsAsync(IncidentQuery.IncidentQueryClient query)
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
    public static async Task<(long Events, long Streams)> StoredArticlesAsync(IsolatedInfrastructure infrastructure)
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
    public static async Task<long> QueuedAsync(IsolatedInfrastructure infrastructure, bool errorQueuesOnly)
    {
        using var client = infrastructure.Endpoints.ManagementClient();
        using var json = JsonDocument.Parse(await client.GetStringAsync($"api/queues/{Uri.EscapeDataString(infrastructure.VirtualHost)}?columns=name,messages"));
        return json.RootElement.EnumerateArray()
            .Where(q => !errorQueuesOnly || q.GetProperty("name").GetString()!.EndsWith("_error", StringComparison.Ordinal))
            .Sum(q => q.TryGetProperty("messages", out var messages) ? messages.GetInt64() : 0);
    }

    /// <summary>An integer from the environment variable <paramref name="name"/>, else <paramref name="fallback"/>.</summary>
    public static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;
}
