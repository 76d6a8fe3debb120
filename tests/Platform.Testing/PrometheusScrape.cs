using System.Globalization;

namespace Platform.Testing;

/// <summary>
/// A Prometheus text exposition (what <c>GET /metrics</c> answers), read into samples: enough of the format for tests
/// to ask "what is this series worth" (comments skipped, label values unescaped, no timestamps expected).
/// </summary>
public sealed class PrometheusScrape
{
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    public PrometheusScrape(IReadOnlyList<Sample> samples) => Samples = samples;

    public IReadOnlyList<Sample> Samples { get; }

    public static async Task<PrometheusScrape> FetchAsync(Uri managementAddress, CancellationToken cancellationToken = default)
    {
        using var http = new HttpClient { BaseAddress = managementAddress, Timeout = TimeSpan.FromSeconds(10) };
        return Parse(await http.GetStringAsync("/metrics", cancellationToken));
    }

    public static PrometheusScrape Parse(string text)
    {
        var samples = new List<Sample>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            string name;
            int rest;
            if (brace >= 0 && (space < 0 || brace < space))
            {
                name = line[..brace];
                rest = ReadLabels(line, brace + 1, labels);
            }
            else
            {
                name = line[..space];
                rest = space;
            }
            var value = line[rest..].Trim().Split(' ')[0];
            samples.Add(new Sample(name, labels, value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                _ => double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture),
            }));
        }
        return new PrometheusScrape(samples);
    }

    // Reads name="value" pairs up to the closing brace; returns the index after it.
    private static int ReadLabels(string line, int at, Dictionary<string, string> labels)
    {
        while (line[at] != '}')
        {
            var equals = line.IndexOf('=', at);
            var key = line[at..equals].Trim(' ', ',');
            var value = new System.Text.StringBuilder();
            var i = equals + 2;
            for (; line[i] != '"'; i++)
            {
                if (line[i] == '\\')
                {
                    i++;
                    value.Append(line[i] == 'n' ? '\n' : line[i]);
                }
                else
                {
                    value.Append(line[i]);
                }
            }
            labels[key] = value.ToString();
            at = i + 1;
            if (line[at] == ',')
            {
                at++;
            }
        }
        return at + 1;
    }

    /// <summary>The sum of every sample of <paramref name="name"/> whose labels include all of <paramref name="labels"/>.</summary>
    public double Sum(string name, params (string Key, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).Sum(s => s.Value);

    /// <summary>Each value of label <paramref name="label"/> on series <paramref name="name"/>, with its summed value.</summary>
    public IReadOnlyDictionary<string, double> By(string name, string label) =>
        Samples.Where(s => s.Name == name && s.Labels.ContainsKey(label))
            .GroupBy(s => s.Labels[label])
            .ToDictionary(g => g.Key, g => g.Sum(s => s.Value));

    public bool Has(string name) => Samples.Any(s => s.Name == name);
}
