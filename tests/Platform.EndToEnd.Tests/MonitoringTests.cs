using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using Platform.Ingestion.V1;
using Platform.LoadTool;
using Platform.Testing;
using RabbitMQ.Client;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// The monitoring against the real thing: the four services and RabbitMQ's prometheus plugin (infra.sh enables it;
/// PLATFORM_RABBITMQ_PROMETHEUS from infra.sh env) scraped by a real Prometheus (Debian's /usr/bin/prometheus, run by
/// deploy/local/prometheus.sh with a config of this class's ports, every second), after a small load: new articles, a
/// duplicate, a rejected one and a poison message. Every metric the dashboard and the alert rules read must be in
/// a real scrape.
/// </summary>
public sealed class MonitoringTests(MonitoringTests.MonitoredPlatform monitored) : IClassFixture<MonitoringTests.MonitoredPlatform>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Every_metric_a_panel_or_an_alert_reads_is_exported()
    {
        var used = MonitoringFiles.DashboardExpressions().Select(entry => ($"panel '{entry.Panel}'", entry.Expression))
            .Concat(MonitoringFiles.AlertExpressions().Select(entry => ($"alert {entry.Alert}", entry.Expression)))
            .SelectMany(entry => MonitoringFiles.MetricNames(entry.Expression).Select(name => (Name: name, Where: entry.Item1)))
            .Where(entry => entry.Name != "up") // made by Prometheus for every target; the other test checks it
            .ToList();
        used.ShouldNotBeEmpty();

        HashSet<string> exported = [];
        List<string> missing = [];
        var complete = await RabbitQueues.EventuallyAsync(async () =>
        {
            exported = await monitored.ExportedNamesAsync();
            missing = used.Where(entry => !exported.Contains(entry.Name)).Select(entry => $"{entry.Name} ({entry.Where})").Distinct().ToList();
            return missing.Count == 0;
        }, Timeout);

        complete.ShouldBeTrue($"not exported by any service or by RabbitMQ:\n{string.Join("\n", missing)}\n\n{monitored.Platform.Diagnostics()}");
    }

    [Fact]
    public async Task Prometheus_scrapes_every_target_and_sees_the_load_go_through()
    {
        // RabbitMQ first: it needs nothing from the services' metrics.
        (await monitored.EventuallyAsync("up{job=\"rabbitmq\"}", value => value == 1)).ShouldBe(1, "up of rabbitmq");
        // The broker's queues of this class's vhost, one series each: the poison message sits in extraction's _error queue.
        var vhost = monitored.Platform.Infrastructure.VirtualHost;
        (await monitored.EventuallyAsync($"rabbitmq_detailed_queue_consumers{{vhost=\"{vhost}\",queue=\"extraction-article-ingested\"}}", value => value >= 1))
            .ShouldBeGreaterThanOrEqualTo(1);
        (await monitored.EventuallyAsync($"rabbitmq_detailed_queue_messages{{vhost=\"{vhost}\",queue=\"extraction-article-ingested_error\"}}", value => value >= 1))
            .ShouldBe(1);
        (await monitored.EventuallyAsync("count(rabbitmq_detailed_queue_messages_ready)", value => value >= 3)).ShouldBeGreaterThanOrEqualTo(3);

        // The rules of deploy/observability/prometheus/alerts.yml are loaded.
        var rules = await monitored.GetJsonAsync("api/v1/rules?type=alert");
        rules.GetProperty("data").GetProperty("groups").EnumerateArray().SelectMany(group => group.GetProperty("rules").EnumerateArray())
            .Count().ShouldBe(MonitoringFiles.AlertExpressions().Count);

        foreach (var job in new[] { "ingestion", "extraction", "geocoding", "query" })
        {
            (await monitored.EventuallyAsync($"up{{job=\"{job}\"}}", value => value == 1)).ShouldBe(1, $"up of {job}");
        }
        (await monitored.EventuallyAsync("sum(platform_ingestion_articles_ingested_total)", value => value >= MonitoredPlatform.Articles))
            .ShouldBe(MonitoredPlatform.Articles, monitored.Platform.Diagnostics());
        (await monitored.EventuallyAsync("sum(platform_ingestion_articles_duplicate_total)", value => value >= 1)).ShouldBe(1);
        (await monitored.EventuallyAsync("sum(platform_ingestion_articles_rejected_total)", value => value >= 1)).ShouldBe(1);
        (await monitored.EventuallyAsync("sum(platform_ledger_reports_total)", value => value > 0)).ShouldBeGreaterThan(0);
        (await monitored.EventuallyAsync("sum(platform_pipeline_latency_seconds_count)", value => value >= MonitoredPlatform.Articles))
            .ShouldBeGreaterThanOrEqualTo(MonitoredPlatform.Articles);

        // None of the rules fires on a healthy run (error-queue alerts aside: the poison message is meant to raise them).
        var firing = await monitored.QueryAsync("ALERTS{alertstate=\"firing\", alertname!~\"PlatformMessagesToErrorQueue|PlatformErrorQueueGrowing\"}");
        firing.ShouldBeEmpty(string.Join(", ", firing.Select(series => series.Labels.GetValueOrDefault("alertname"))));
    }

    public sealed class MonitoredPlatform : IAsyncLifetime
    {
        public const int Articles = 20;

        private readonly string _folder = Path.Combine(Path.GetTempPath(), "platform-prometheus-" + Guid.NewGuid().ToString("N")[..8]);
        private readonly int _port = ServiceProcess.FreePort();
        private HttpClient _prometheus = null!;

        public RunningPlatform Platform { get; } = new();

        private static string Script => Path.Combine(RepositoryPaths.Root, "deploy", "local", "prometheus.sh");

        public async Task InitializeAsync()
        {
            if (!File.Exists("/usr/bin/prometheus"))
            {
                throw new InvalidOperationException("/usr/bin/prometheus is missing: run deploy/local/infra.sh install (Debian's prometheus package).");
            }
            await Platform.InitializeAsync();
            Directory.CreateDirectory(_folder);
            var config = Path.Combine(_folder, "prometheus.yml");
            await File.WriteAllTextAsync(config, Config());
            await RunScriptAsync("start", config);
            _prometheus = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_port}/"), Timeout = TimeSpan.FromSeconds(10) };
            await SubmitLoadAsync();
        }

        private string Config()
        {
            var config = new StringBuilder();
            config.Append(CultureInfo.InvariantCulture, $"""
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files:
                  - "{MonitoringFiles.AlertRules}"
                scrape_configs:

                """);
            foreach (var service in Platform.Services)
            {
                config.Append(CultureInfo.InvariantCulture, $"""
                      - job_name: {service.Name}
                        static_configs:
                          - targets: ["127.0.0.1:{service.ManagementPort}"]

                    """);
            }
            var rabbit = Infrastructure.RabbitMqPrometheus;
            config.Append(CultureInfo.InvariantCulture, $"""
                  - job_name: rabbitmq
                    metrics_path: /metrics/detailed
                    params:
                      vhost: ["{Platform.Infrastructure.VirtualHost}"]
                      family: [queue_coarse_metrics, queue_consumer_count]
                    static_configs:
                      - targets: ["{rabbit.Host}:{rabbit.Port}"]

                """);
            return config.ToString();
        }

        private async Task RunScriptAsync(string command, string? config = null)
        {
            var start = new System.Diagnostics.ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            start.ArgumentList.Add(Script);
            start.ArgumentList.Add(command);
            if (config is not null)
            {
                start.ArgumentList.Add(config);
            }
            start.Environment["PLATFORM_PROMETHEUS_DIR"] = _folder;
            start.Environment["PLATFORM_PROMETHEUS_PORT"] = _port.ToString(CultureInfo.InvariantCulture);
            using var process = System.Diagnostics.Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"prometheus.sh {command} exited {process.ExitCode}:\n{await output}\n{await error}");
            }
        }

        /// <summary>New articles, the first again (a duplicate), an empty one (rejected) and a poison message.</summary>
        private async Task SubmitLoadAsync()
        {
            var articles = ArticleGenerator.Generate(Articles, seed: 11, run: "monitoring-" + Guid.NewGuid().ToString("N")[..8]);
            var requests = articles.Select(article => new SubmitArticleRequest
            {
                Text = article.Text, Title = article.Title, Language = article.Language, PublishedOn = article.Published,
            }).ToList();
            foreach (var request in requests)
            {
                (await Platform.IngestionClient.SubmitArticleAsync(request, deadline: DateTime.UtcNow.AddSeconds(30))).Duplicate.ShouldBeFalse();
            }
            (await Platform.IngestionClient.SubmitArticleAsync(requests[0], deadline: DateTime.UtcNow.AddSeconds(30))).Duplicate.ShouldBeTrue();
            await Should.ThrowAsync<RpcException>(Platform.IngestionClient.SubmitArticleAsync(new SubmitArticleRequest { Text = "" }).ResponseAsync);

            var factory = new ConnectionFactory { Uri = Platform.Infrastructure.RabbitMq };
            await using var connection = await factory.CreateConnectionAsync();
            await using var channel = await connection.CreateChannelAsync();
            var properties = new BasicProperties { ContentType = "application/vnd.masstransit+json", MessageId = Guid.NewGuid().ToString() };
            await channel.BasicPublishAsync("", "extraction-article-ingested", false, properties, Encoding.UTF8.GetBytes("{ not json"));
        }

        /// <summary>Sample names on every service's /metrics and on the plugin's per-queue endpoint for this vhost.</summary>
        public async Task<HashSet<string>> ExportedNamesAsync()
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var names = new HashSet<string>(StringComparer.Ordinal);
            var sources = Platform.Services.Select(service => new Uri(service.ManagementAddress, "/metrics"))
                .Append(new Uri(Infrastructure.RabbitMqPrometheus,
                    $"metrics/detailed?vhost={Uri.EscapeDataString(Platform.Infrastructure.VirtualHost)}&family=queue_coarse_metrics&family=queue_consumer_count"));
            foreach (var source in sources)
            {
                using var response = await client.GetAsync(source);
                if (response.IsSuccessStatusCode)
                {
                    names.UnionWith(MonitoringFiles.ExposedNames(await response.Content.ReadAsStringAsync()));
                }
            }
            return names;
        }

        public sealed record Series(IReadOnlyDictionary<string, string> Labels, double Value);

        public async Task<JsonElement> GetJsonAsync(string path)
        {
            using var response = await _prometheus.GetAsync(path);
            response.EnsureSuccessStatusCode();
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).Clone();
        }

        public async Task<IReadOnlyList<Series>> QueryAsync(string promql)
        {
            var body = await GetJsonAsync("api/v1/query?query=" + Uri.EscapeDataString(promql));
            return body.GetProperty("data").GetProperty("result").EnumerateArray().Select(series => new Series(
                    series.GetProperty("metric").EnumerateObject().ToDictionary(label => label.Name, label => label.Value.GetString() ?? ""),
                    double.Parse(series.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture)))
                .ToList();
        }

        /// <summary>The single value of <paramref name="promql"/> once it satisfies <paramref name="done"/>, or the last one seen (NaN for none).</summary>
        public async Task<double> EventuallyAsync(string promql, Func<double, bool> done)
        {
            var value = double.NaN;
            await RabbitQueues.EventuallyAsync(async () =>
            {
                var result = await QueryAsync(promql);
                value = result.Count == 1 ? result[0].Value : double.NaN;
                return result.Count == 1 && done(value);
            }, Timeout);
            return value;
        }

        public async Task DisposeAsync()
        {
            _prometheus?.Dispose();
            try
            {
                await RunScriptAsync("stop");
            }
            finally
            {
                await Platform.DisposeAsync();
                Directory.Delete(_folder, recursive: true);
            }
        }
    }
}
