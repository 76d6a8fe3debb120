namespace Platform.Deployment.Tests.Infrastructure;

/// <summary>A .env file as compose reads the simple form make-env.sh writes: NAME=value lines, # comments, blank lines.</summary>
internal static class DotEnv
{
    public static IReadOnlyDictionary<string, string> Parse(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n').Select(line => line.TrimEnd('\r')))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new FormatException($"not a NAME=value line: '{line}'");
            }

            values.Add(line[..equals], line[(equals + 1)..]);
        }

        return values;
    }

    public static IReadOnlyDictionary<string, string> Load(string path) => Parse(File.ReadAllText(path));
}
