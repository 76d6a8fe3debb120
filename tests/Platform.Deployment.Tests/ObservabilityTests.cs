using System.Text.Json;
using Platform.Deployment.Tests.Infrastructure;
using Platform.Testing;
using YamlDotNet.RepresentationModel;

namespace Platform.Deployment.Tests;

/// <summary>
/// deploy/observability: Prometheus's config and alert rules as promtool (Debian's prometheus package, which infra.sh
/// installs) reads them, the alerts on made-up series, the Grafana provisioning, and how compose wires them. That every
/// metric they name is exported is checked end to end (Platform.EndToEnd.Tests, MonitoringTests).
/// </summary>
public sealed class ObservabilityTests
{
    private const string Promtool = "/usr/bin/promtool";
    private static readonly string PrometheusFolder = Repository.PathOf("deploy/observability/prometheus");

    private static async Task<ProcessResult> PromtoolAsync(params string[] arguments)
    {
        File.Exists(Promtool).ShouldBeTrue(
            $"{Promtool} is missing: it comes with Debian's prometheus package; run deploy/local/infra.sh install (platform.sh test does).");
        return await ProcessRunner.RunAsync(Promtool, arguments, timeout: TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task Promtool_accepts_the_alert_rules()
    {
        var result = await PromtoolAsync("check", "rules", Path.Combine(PrometheusFolder, "alerts.yml"));

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Output.ShouldContain("SUCCESS");
    }

    [Fact]
    public async Task Promtool_accepts_the_compose_config_and_the_local_one_with_the_rules_they_load()
    {
        var compose = await PromtoolAsync("check", "config", Path.Combine(PrometheusFolder, "prometheus.yml"));
        compose.ExitCode.ShouldBe(0, compose.ToString());
        compose.Output.ShouldContain("1 rule files found");

        var local = await ProcessRunner.RunAsync("bash", [Repository.PathOf("deploy/local/prometheus.sh"), "config"]);
        local.ExitCode.ShouldBe(0, local.ToString());
        var file = Path.Combine(Path.GetTempPath(), $"prometheus-{Guid.NewGuid():N}.yml");
        try
        {
            await File.WriteAllTextAsync(file, local.Output);
            var checkedLocal = await PromtoolAsync("check", "config", file);
            checkedLocal.ExitCode.ShouldBe(0, checkedLocal.ToString());
            checkedLocal.Output.ShouldContain("1 rule files found");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Each_alert_fires_on_made_up_series_and_every_alert_is_tested()
    {
        var result = await PromtoolAsync("test", "rules", Path.Combine(PrometheusFolder, "alerts.test.yml"));

        result.ExitCode.ShouldBe(0, result.ToString());
        var tests = File.ReadAllText(Path.Combine(PrometheusFolder, "alerts.test.yml"));
        foreach (var (alert, _) in MonitoringFiles.AlertExpressions())
        {
            tests.ShouldContain($"alertname: {alert}\n", customMessage: $"alerts.test.yml has no test of {alert}");
        }
    }

    [Fact]
    public async Task Promtool_would_refuse_a_broken_rule()
    {
        var file = Path.Combine(Path.GetTempPath(), $"alerts-{Guid.NewGuid():N}.yml");
        try
        {
            await File.WriteAllTextAsync(file, "groups:\n  - name: x\n    rules:\n      - alert: Broken\n        expr: sum(rate(x[5m]) > \n");
            (await PromtoolAsync("check", "rules", file)).ExitCode.ShouldNotBe(0);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Prometheus_scrapes_each_service_on_its_management_port_and_the_queues_of_the_platform_vhost()
    {
        var jobs = ScrapeJobs(Path.Combine(PrometheusFolder, "prometheus.yml"));

        jobs.Keys.Order(StringComparer.Ordinal).ShouldBe(["extraction", "geocoding", "ingestion", "query", "rabbitmq"]);
        foreach (var service in DeploymentFiles.DotnetServices)
        {
            jobs[service.Name].Targets.ShouldBe([$"{service.Name}:8082"]);
            jobs[service.Name].Path.ShouldBe("/metrics");
            service.Environment["Kestrel__Endpoints__Management__Url"].ShouldBe("http://0.0.0.0:8082");
        }
        jobs["rabbitmq"].Targets.ShouldBe(["rabbitmq:15692"]);
        jobs["rabbitmq"].Path.ShouldBe("/metrics/detailed");
        jobs["rabbitmq"].Params["vhost"].ShouldBe([RabbitMqDefinitions.VirtualHost]);
        jobs["rabbitmq"].Params["family"].ShouldBe(["queue_coarse_metrics", "queue_consumer_count"], ignoreOrder: true);
    }

    [Fact]
    public void Compose_runs_prometheus_and_grafana_with_the_files_mounted_read_only_and_the_plugin_enabled()
    {
        var prometheus = DeploymentFiles.Service("prometheus");
        prometheus.Image.ShouldStartWith("prom/prometheus:");
        var mounts = prometheus.Volumes.Where(mount => mount.Target.StartsWith("/etc/prometheus/", StringComparison.Ordinal)).ToList();
        mounts.Select(mount => mount.Target).ShouldBe(["/etc/prometheus/prometheus.yml", "/etc/prometheus/alerts.yml"], ignoreOrder: true);
        foreach (var mount in mounts)
        {
            mount.ReadOnly.ShouldBeTrue(mount.Target);
            Path.GetFullPath(Path.Combine(DeploymentFiles.Compose.Directory, mount.Source))
                .ShouldBe(Path.Combine(PrometheusFolder, Path.GetFileName(mount.Target)));
        }

        var grafana = DeploymentFiles.Service("grafana");
        grafana.Image.ShouldStartWith("grafana/grafana:");
        ComposeFile.RequiredVariablesIn(grafana.Environment["GF_SECURITY_ADMIN_PASSWORD"]).ShouldBe(["GRAFANA_ADMIN_PASSWORD"]);
        grafana.Environment["GF_AUTH_ANONYMOUS_ENABLED"].ShouldBe("false");
        var provisioning = grafana.Volumes.Single(mount => mount.Target == "/etc/grafana/provisioning");
        provisioning.ReadOnly.ShouldBeTrue();
        Path.GetFullPath(Path.Combine(DeploymentFiles.Compose.Directory, provisioning.Source)).ShouldBe(Repository.PathOf("deploy/observability/grafana/provisioning"));
        var dashboards = grafana.Volumes.Single(mount => mount.Target == DashboardProviderPath());
        dashboards.ReadOnly.ShouldBeTrue();
        Path.GetFullPath(Path.Combine(DeploymentFiles.Compose.Directory, dashboards.Source)).ShouldBe(Path.GetDirectoryName(MonitoringFiles.Dashboard));

        var plugins = DeploymentFiles.Service("rabbitmq").Volumes.Single(mount => mount.Target == "/etc/rabbitmq/enabled_plugins");
        plugins.ReadOnly.ShouldBeTrue();
        File.ReadAllText(Path.Combine(DeploymentFiles.Compose.Directory, plugins.Source)).Trim()
            .ShouldBe("[rabbitmq_management,rabbitmq_prometheus].");
    }

    [Fact]
    public void Every_dashboard_panel_queries_the_provisioned_datasource()
    {
        var datasource = (YamlMappingNode)((YamlSequenceNode)LoadYaml("deploy/observability/grafana/provisioning/datasources/prometheus.yml")["datasources"])[0];
        var uid = datasource["uid"].ToString();
        datasource["url"].ToString().ShouldBe("http://prometheus:9090");
        DeploymentFiles.Compose.Services.ShouldContainKey("prometheus");

        using var dashboard = JsonDocument.Parse(File.ReadAllText(MonitoringFiles.Dashboard));
        var panels = dashboard.RootElement.GetProperty("panels").EnumerateArray().Where(panel => panel.GetProperty("type").GetString() != "row").ToList();
        panels.Count.ShouldBeGreaterThanOrEqualTo(10);
        foreach (var panel in panels)
        {
            var title = panel.GetProperty("title").GetString();
            panel.GetProperty("datasource").GetProperty("uid").GetString().ShouldBe(uid, title);
            panel.GetProperty("targets").GetArrayLength().ShouldBeGreaterThan(0, title);
            panel.GetProperty("description").GetString().ShouldNotBeNullOrWhiteSpace(title);
        }
        panels.Select(panel => panel.GetProperty("id").GetInt32()).ShouldBeUnique();
    }

    [Fact]
    public void Every_metric_the_dashboard_and_the_alerts_read_is_one_the_end_to_end_test_holds_to_a_real_scrape()
    {
        var names = MonitoringFiles.DashboardExpressions().Concat(MonitoringFiles.AlertExpressions())
            .SelectMany(entry => MonitoringFiles.MetricNames(entry.Expression)).ToHashSet(StringComparer.Ordinal);

        names.ShouldContain("platform_pipeline_latency_seconds_bucket");
        names.ShouldContain("rabbitmq_detailed_queue_messages_ready");
        names.ShouldContain("up");
        // The end-to-end test finds platform_* on the services' /metrics and rabbitmq_* on the plugin's; nothing else.
        names.Where(name => name != "up" && !name.StartsWith("platform_", StringComparison.Ordinal) && !name.StartsWith("rabbitmq_", StringComparison.Ordinal))
            .ShouldBeEmpty();
    }

    [Theory]
    [InlineData("up{job=~\"ingestion|query\"} == 0", "up")]
    [InlineData("histogram_quantile(0.95, sum by (le, platform_stage) (rate(platform_stage_duration_seconds_bucket[$__rate_interval])))", "platform_stage_duration_seconds_bucket")]
    [InlineData("sum by (q) (rate(a_total[5m])) / sum without (x) (rate(b_count[5m] offset 1h))", "a_total b_count")]
    [InlineData("(delta(m{queue!~\".+_(error|skipped)\"}[10m]) > 0) and on (queue) (n > 1e3)", "m n")]
    [InlineData("max_over_time(gauge_x[5m:1m]) > bool 0.5 unless ignoring (instance) other", "gauge_x other")]
    [InlineData("label_replace(rabbitmq_x, \"dst\", \"$1\", \"queue\", \"(.*)_error\")", "rabbitmq_x")]
    public void Metric_names_are_read_out_of_promql(string expression, string expected)
    {
        MonitoringFiles.MetricNames(expression).Order(StringComparer.Ordinal).ShouldBe(expected.Split(' ').Order(StringComparer.Ordinal));
    }

    private static string DashboardProviderPath()
    {
        var provider = (YamlMappingNode)((YamlSequenceNode)LoadYaml("deploy/observability/grafana/provisioning/dashboards/platform.yml")["providers"])[0];
        return ((YamlMappingNode)provider["options"])["path"].ToString();
    }

    private static YamlMappingNode LoadYaml(string relativePath)
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(Repository.PathOf(relativePath));
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    private sealed record ScrapeJob(List<string> Targets, string Path, Dictionary<string, List<string>> Params);

    private static Dictionary<string, ScrapeJob> ScrapeJobs(string config)
    {
        var root = LoadYaml(Repository.Relative(config));
        var jobs = new Dictionary<string, ScrapeJob>(StringComparer.Ordinal);
        foreach (var job in ((YamlSequenceNode)root["scrape_configs"]).Cast<YamlMappingNode>())
        {
            var targets = ((YamlSequenceNode)job["static_configs"]).Cast<YamlMappingNode>()
                .SelectMany(group => ((YamlSequenceNode)group["targets"]).Select(target => target.ToString())).ToList();
            var path = job.Children.TryGetValue("metrics_path", out var p) ? p.ToString() : "/metrics";
            var parameters = job.Children.TryGetValue("params", out var ps)
                ? ((YamlMappingNode)ps).Children.ToDictionary(entry => entry.Key.ToString(), entry => ((YamlSequenceNode)entry.Value).Select(value => value.ToString()).ToList())
                : [];
            jobs[job["job_name"].ToString()] = new ScrapeJob(targets, path, parameters);
        }
        return jobs;
    }
}
