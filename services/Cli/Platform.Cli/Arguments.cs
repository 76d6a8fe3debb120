namespace Platform.Cli;

/// <summary>"--name value" options and positional arguments, with clear errors for what is missing.</summary>
public sealed class Arguments
{
    private readonly Dictionary<string, string> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    public List<string> Positional { get; } = [];

    public static Arguments Parse(IEnumerable<string> args, IReadOnlySet<string> flagNames)
    {
        var parsed = new Arguments();
        using var enumerator = args.GetEnumerator();
        while (enumerator.MoveNext())
        {
            var arg = enumerator.Current;
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                parsed.Positional.Add(arg);
                continue;
            }
            var name = arg[2..];
            if (flagNames.Contains(name))
            {
                parsed._flags.Add(name);
                continue;
            }
            if (!enumerator.MoveNext())
            {
                throw new UsageException($"Option --{name} needs a value.");
            }
            parsed._options[name] = enumerator.Current;
        }
        return parsed;
    }

    /// <summary>
    /// The options of a command that take no value. "--json" is a switch for the commands that print incidents and
    /// an output file for eval.
    /// </summary>
    public static IReadOnlySet<string> FlagsOf(string command) => command switch
    {
        "eval" => new HashSet<string>(StringComparer.Ordinal) { "ceiling" },
        "extract" => new HashSet<string>(StringComparer.Ordinal),
        _ => new HashSet<string>(StringComparer.Ordinal) { "json", "all" },
    };

    public string? Get(string name) => _options.GetValueOrDefault(name);

    public string Get(string name, string fallback) => _options.GetValueOrDefault(name) ?? fallback;

    public bool Has(string flag) => _flags.Contains(flag);

    public int GetInt(string name, int fallback) =>
        _options.TryGetValue(name, out var value)
            ? int.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var number) ? number : throw new UsageException($"--{name} must be a whole number.")
            : fallback;
}

public sealed class UsageException(string message) : Exception(message);
