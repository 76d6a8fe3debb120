using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Platform.Deployment.Tests.Infrastructure;

/// <summary>A published port: host side (null when Docker picks one) → container side.</summary>
internal sealed record PortMapping(string? HostIp, int? Published, int Target, string Protocol);

/// <summary>A volume or bind mount.</summary>
internal sealed record VolumeMount(string Source, string Target, bool ReadOnly, string RawSource);

/// <summary>The build section of a service, paths resolved against the compose file's folder.</summary>
internal sealed record ComposeBuild(string Context, string Dockerfile);

/// <summary>
/// docker-compose.yml read with YamlDotNet, merge keys ("&lt;&lt;") applied. Variable references are expanded with their
/// defaults only, so the checks see what a machine without overrides runs, whatever the test environment holds.
/// </summary>
internal sealed partial class ComposeFile
{
    private ComposeFile(string path, YamlMappingNode root)
    {
        FullPath = path;
        Directory = System.IO.Path.GetDirectoryName(path)!;
        Root = root;
        var services = Mapping(root, "services") ?? throw new InvalidDataException($"{path} has no services section.");
        Services = services.Children.ToDictionary(
            entry => ((YamlScalarNode)entry.Key).Value!,
            entry => new ComposeService(this, ((YamlScalarNode)entry.Key).Value!, (YamlMappingNode)entry.Value),
            StringComparer.Ordinal);
    }

    public string FullPath { get; }

    public string Directory { get; }

    public YamlMappingNode Root { get; }

    public IReadOnlyDictionary<string, ComposeService> Services { get; }

    /// <summary>The content of a top-level config defined inline (configs: name: content:), variables unexpanded.</summary>
    public string? ConfigContent(string name) =>
        Mapping(Root, "configs") is { } configs && Mapping(configs, name) is { } config ? Scalar(config, "content") : null;

    public static ComposeFile Load(string path)
    {
        using var reader = new StreamReader(path);
        var stream = new YamlStream();
        stream.Load(new MergingParser(new Parser(reader)));
        return new ComposeFile(Path.GetFullPath(path), (YamlMappingNode)stream.Documents[0].RootNode);
    }

    /// <summary>
    /// Expands variable references as on a machine whose environment sets none of them: ${NAME:-default} and ${NAME-default}
    /// to the default, ${NAME}, $NAME, ${NAME:+value} and a required ${NAME:?message} to ""; "$$" is a "$".
    /// </summary>
    public static string WithDefaults(string text) => Interpolate(text, new Dictionary<string, string>(StringComparer.Ordinal), requireAll: false);

    /// <summary>
    /// Expands variable references the way compose does with <paramref name="values"/> as the environment (.env). A required
    /// reference (${NAME:?message}, ${NAME?message}) without a value throws with compose's message when
    /// <paramref name="requireAll"/> is set, and expands to "" otherwise.
    /// </summary>
    public static string Interpolate(string text, IReadOnlyDictionary<string, string> values, bool requireAll = true) =>
        VariablePattern().Replace(text, match =>
        {
            if (match.Value == "$$")
            {
                return "$";
            }

            var name = match.Groups["name"].Value;
            var isSet = values.TryGetValue(name, out var value);
            var operation = match.Groups["operation"].Value;
            var emptyCounts = operation.StartsWith(':');
            var present = isSet && !(emptyCounts && value!.Length == 0);
            var argument = match.Groups["argument"].Value;
            return operation.TrimStart(':') switch
            {
                "-" => present ? value! : argument,
                "+" => present ? argument : "",
                "?" when present => value!,
                "?" when requireAll => throw new InvalidOperationException($"required variable {name} is missing a value: {argument}"),
                _ => value ?? "",
            };
        });

    /// <summary>The names of the variables a value refers to.</summary>
    public static IReadOnlyList<string> VariablesIn(string text) =>
        VariablePattern().Matches(text).Select(match => match.Groups["name"].Value).Where(name => name.Length > 0).ToList();

    /// <summary>The variables a value refers to with ${NAME:?message}, which compose refuses to start without.</summary>
    public static IReadOnlyList<string> RequiredVariablesIn(string text) =>
        VariablePattern().Matches(text).Where(match => match.Groups["operation"].Value == ":?").Select(match => match.Groups["name"].Value).ToList();

    internal static YamlMappingNode? Mapping(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value as YamlMappingNode : null;

    internal static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    internal static string? Scalar(YamlMappingNode node, string key) =>
        Child(node, key) is YamlScalarNode scalar ? scalar.Value : null;

    [GeneratedRegex(@"\$\$|\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?<operation>:?[-?+])(?<argument>[^}]*))?\}|\$(?<name>[A-Za-z_][A-Za-z0-9_]*)", RegexOptions.CultureInvariant)]
    private static partial Regex VariablePattern();
}

/// <summary>One entry under "services".</summary>
internal sealed class ComposeService(ComposeFile file, string name, YamlMappingNode node)
{
    public string Name { get; } = name;

    public YamlMappingNode Node { get; } = node;

    public string? Image => ComposeFile.Scalar(Node, "image");

    public ComposeBuild? Build
    {
        get
        {
            switch (ComposeFile.Child(Node, "build"))
            {
                case YamlScalarNode context:
                    return ResolveBuild(context.Value!, "Dockerfile");
                case YamlMappingNode build:
                    return ResolveBuild(ComposeFile.Scalar(build, "context") ?? ".", ComposeFile.Scalar(build, "dockerfile") ?? "Dockerfile");
                default:
                    return null;
            }
        }
    }

    /// <summary>The environment, from either the mapping or the "NAME=value" list form.</summary>
    public IReadOnlyDictionary<string, string> Environment
    {
        get
        {
            var environment = new Dictionary<string, string>(StringComparer.Ordinal);
            switch (ComposeFile.Child(Node, "environment"))
            {
                case YamlMappingNode mapping:
                    foreach (var (key, value) in mapping.Children)
                    {
                        environment[((YamlScalarNode)key).Value!] = value is YamlScalarNode scalar ? scalar.Value ?? string.Empty : string.Empty;
                    }

                    break;
                case YamlSequenceNode list:
                    foreach (var item in list.Children.OfType<YamlScalarNode>())
                    {
                        var parts = item.Value!.Split('=', 2);
                        environment[parts[0]] = parts.Length > 1 ? parts[1] : string.Empty;
                    }

                    break;
                default:
                    break;
            }

            return environment;
        }
    }

    /// <summary>depends_on targets with their condition (the list form means service_started).</summary>
    public IReadOnlyDictionary<string, string> DependsOn
    {
        get
        {
            var dependencies = new Dictionary<string, string>(StringComparer.Ordinal);
            switch (ComposeFile.Child(Node, "depends_on"))
            {
                case YamlSequenceNode list:
                    foreach (var item in list.Children.OfType<YamlScalarNode>())
                    {
                        dependencies[item.Value!] = "service_started";
                    }

                    break;
                case YamlMappingNode mapping:
                    foreach (var (key, value) in mapping.Children)
                    {
                        var condition = value is YamlMappingNode details ? ComposeFile.Scalar(details, "condition") : null;
                        dependencies[((YamlScalarNode)key).Value!] = condition ?? "service_started";
                    }

                    break;
                default:
                    break;
            }

            return dependencies;
        }
    }

    /// <summary>The configs the service mounts: source → path in the container (/&lt;source&gt; unless a target is given).</summary>
    public IReadOnlyDictionary<string, string> Configs
    {
        get
        {
            var configs = new Dictionary<string, string>(StringComparer.Ordinal);
            if (ComposeFile.Child(Node, "configs") is YamlSequenceNode list)
            {
                foreach (var item in list.Children)
                {
                    var source = item is YamlMappingNode mapping ? ComposeFile.Scalar(mapping, "source") : ((YamlScalarNode)item).Value;
                    var target = item is YamlMappingNode longForm ? ComposeFile.Scalar(longForm, "target") : null;
                    configs[source!] = target ?? "/" + source;
                }
            }

            return configs;
        }
    }

    public YamlMappingNode? Healthcheck => ComposeFile.Mapping(Node, "healthcheck");

    /// <summary>The health check command as words: ["CMD", ...], ["CMD-SHELL", "..."], or ["CMD-SHELL", text] for the string form.</summary>
    public IReadOnlyList<string> HealthcheckTest =>
        Healthcheck is null ? [] : ComposeFile.Child(Healthcheck, "test") switch
        {
            YamlSequenceNode list => list.Children.OfType<YamlScalarNode>().Select(item => item.Value ?? string.Empty).ToList(),
            YamlScalarNode text when !string.IsNullOrWhiteSpace(text.Value) => ["CMD-SHELL", text.Value!],
            _ => [],
        };

    public IReadOnlyList<PortMapping> Ports =>
        ComposeFile.Child(Node, "ports") is YamlSequenceNode ports ? ports.Children.Select(ParsePort).ToList() : [];

    public IReadOnlyList<VolumeMount> Volumes =>
        ComposeFile.Child(Node, "volumes") is YamlSequenceNode volumes ? volumes.Children.Select(ParseVolume).ToList() : [];

    public override string ToString() => Name;

    private static PortMapping ParsePort(YamlNode node)
    {
        if (node is YamlMappingNode longForm)
        {
            var published = ComposeFile.Scalar(longForm, "published");
            return new PortMapping(
                ComposeFile.Scalar(longForm, "host_ip"),
                published is null ? null : ParseNumber(ComposeFile.WithDefaults(published)),
                ParseNumber(ComposeFile.Scalar(longForm, "target") ?? throw new FormatException("A long-form port needs a target.")),
                ComposeFile.Scalar(longForm, "protocol") ?? "tcp");
        }

        var text = ComposeFile.WithDefaults(((YamlScalarNode)node).Value!);
        var protocol = "tcp";
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            protocol = text[(slash + 1)..];
            text = text[..slash];
        }

        var parts = text.Split(':');
        return parts.Length switch
        {
            1 => new PortMapping(null, null, ParseNumber(parts[0]), protocol),
            2 => new PortMapping(null, ParseNumber(parts[0]), ParseNumber(parts[1]), protocol),
            3 => new PortMapping(parts[0], ParseNumber(parts[1]), ParseNumber(parts[2]), protocol),
            _ => throw new FormatException($"Unsupported port form '{text}' (IPv6 host addresses are not modelled)."),
        };
    }

    private static int ParseNumber(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new FormatException($"'{text}' is not a single port number (ranges are not modelled).");

    private static VolumeMount ParseVolume(YamlNode node)
    {
        if (node is YamlMappingNode longForm)
        {
            var rawSource = ComposeFile.Scalar(longForm, "source") ?? string.Empty;
            return new VolumeMount(
                ComposeFile.WithDefaults(rawSource),
                ComposeFile.Scalar(longForm, "target") ?? string.Empty,
                string.Equals(ComposeFile.Scalar(longForm, "read_only"), "true", StringComparison.OrdinalIgnoreCase),
                rawSource);
        }

        var raw = ((YamlScalarNode)node).Value!;
        var parts = ComposeFile.WithDefaults(raw).Split(':');
        var rawParts = SplitOutsideBraces(raw);
        return parts.Length switch
        {
            1 => new VolumeMount(string.Empty, parts[0], false, string.Empty),
            2 => new VolumeMount(parts[0], parts[1], false, rawParts[0]),
            _ => new VolumeMount(parts[0], parts[1], parts[2].Split(',').Contains("ro"), rawParts[0]),
        };
    }

    /// <summary>Splits on ':' except inside ${...}, so "${DIR:-x}:/data:ro" keeps its variable whole.</summary>
    private static List<string> SplitOutsideBraces(string text)
    {
        var parts = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '{')
            {
                depth++;
            }
            else if (text[i] == '}')
            {
                depth--;
            }
            else if (text[i] == ':' && depth == 0)
            {
                parts.Add(text[start..i]);
                start = i + 1;
            }
        }

        parts.Add(text[start..]);
        return parts;
    }

    private ComposeBuild ResolveBuild(string context, string dockerfile)
    {
        var contextDirectory = Path.GetFullPath(Path.Combine(file.Directory, ComposeFile.WithDefaults(context)));
        return new ComposeBuild(contextDirectory, Path.GetFullPath(Path.Combine(contextDirectory, ComposeFile.WithDefaults(dockerfile))));
    }
}
