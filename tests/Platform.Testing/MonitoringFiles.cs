using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Platform.Testing;

/// <summary>
/// The PromQL that deploy/observability holds (the Grafana dashboard's panel queries and the alert rules) and the
/// metric names it reads, so tests can hold every name to what the services and RabbitMQ really export.
/// </summary>
public static partial class MonitoringFiles
{
    public static string Dashboard => Path.Combine(RepositoryPaths.Root, "deploy", "observability", "grafana", "dashboards", "platform.json");

    public static string AlertRules => Path.Combine(RepositoryPaths.Root, "deploy", "observability", "prometheus", "alerts.yml");

    /// <summary>(panel title, expression) of every query target, rows' nested panels included.</summary>
    public static IReadOnlyList<(string Panel, string Expression)> DashboardExpressions()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Dashboard));
        var found = new List<(string, string)>();
        void Walk(JsonElement panels)
        {
            foreach (var panel in panels.EnumerateArray())
            {
                var title = panel.TryGetProperty("title", out var t) ? t.GetString() ?? "" : "";
                if (panel.TryGetProperty("targets", out var targets))
                {
                    foreach (var target in targets.EnumerateArray())
                    {
                        found.Add((title, target.GetProperty("expr").GetString() ?? ""));
                    }
                }
                if (panel.TryGetProperty("panels", out var nested))
                {
                    Walk(nested);
                }
            }
        }
        Walk(document.RootElement.GetProperty("panels"));
        return found;
    }

    /// <summary>(alert name, expression) of every rule.</summary>
    public static IReadOnlyList<(string Alert, string Expression)> AlertExpressions()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(AlertRules))
        {
            yaml.Load(reader);
        }
        var found = new List<(string, string)>();
        var groups = (YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode)["groups"];
        foreach (var group in groups.Cast<YamlMappingNode>())
        {
            foreach (var rule in ((YamlSequenceNode)group["rules"]).Cast<YamlMappingNode>())
            {
                var name = rule.Children.TryGetValue("alert", out var alert) ? alert.ToString() : rule["record"].ToString();
                found.Add((name, rule["expr"].ToString()));
            }
        }
        return found;
    }

    /// <summary>
    /// The metric names a PromQL expression reads: identifiers that are neither functions, keywords, label names
    /// (inside braces or after by/without/on/ignoring/group_*), durations nor strings.
    /// </summary>
    public static IReadOnlySet<string> MetricNames(string expression)
    {
        var text = StringLiteral().Replace(expression, " ");
        text = LabelMatchers().Replace(text, " ");
        text = RangeOrSubquery().Replace(text, " ");
        text = Grouping().Replace(text, " ");
        text = Offset().Replace(text, " ");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match match in Identifier().Matches(text))
        {
            var name = match.Groups["name"].Value;
            var isCall = match.Groups["call"].Success;
            if (!isCall && !Keywords.Contains(name) && !char.IsDigit(name[0]))
            {
                names.Add(name);
            }
        }
        return names;
    }

    private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "and", "or", "unless", "bool", "by", "without", "on", "ignoring", "group_left", "group_right", "offset", "inf", "nan",
    };

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex LabelMatchers();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex RangeOrSubquery();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", RegexOptions.IgnoreCase)]
    private static partial Regex Grouping();

    [GeneratedRegex(@"\boffset\s+-?[0-9a-z]+", RegexOptions.IgnoreCase)]
    private static partial Regex Offset();

    // A number such as 1e3 or 0.95 starts with a digit and is skipped by the caller.
    [GeneratedRegex(@"(?<![A-Za-z0-9_:.])(?<name>[A-Za-z_:][A-Za-z0-9_:]*)(?<call>\s*\()?")]
    private static partial Regex Identifier();

    /// <summary>The sample names of a Prometheus text exposition (histograms appear as their _bucket, _sum, _count).</summary>
    public static IReadOnlySet<string> ExposedNames(string exposition) =>
        PrometheusScrape.Parse(exposition).Samples.Select(sample => sample.Name).ToHashSet(StringComparer.Ordinal);
}
