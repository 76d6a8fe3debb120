using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Platform.Deployment.Tests.Infrastructure;

/// <summary>One instruction, continuation lines joined; <see cref="Line"/> is where it starts (1-based).</summary>
internal sealed record DockerInstruction(string Keyword, string Arguments, int Line)
{
    /// <summary>The arguments split on white space, or the elements of the JSON (exec) form.</summary>
    public IReadOnlyList<string> Words
    {
        get
        {
            var text = Arguments.Trim();
            if (text.StartsWith('['))
            {
                return JsonSerializer.Deserialize<string[]>(text) ?? [];
            }

            return text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        }
    }

    /// <summary>Leading "--name=value" options of COPY, ADD and the like.</summary>
    public IReadOnlyDictionary<string, string> Flags =>
        Words.TakeWhile(word => word.StartsWith("--", StringComparison.Ordinal))
            .Select(word => word[2..].Split('=', 2))
            .ToDictionary(parts => parts[0], parts => parts.Length > 1 ? parts[1] : string.Empty, StringComparer.Ordinal);

    /// <summary>The words after the leading options.</summary>
    public IReadOnlyList<string> Operands => Words.SkipWhile(word => word.StartsWith("--", StringComparison.Ordinal)).ToList();

    public override string ToString() => $"line {Line}: {Keyword} {Arguments}";
}

/// <summary>A build stage: its FROM (with global ARG defaults substituted) and the instructions after it.</summary>
internal sealed class DockerStage(string baseImage, string? name, int index)
{
    public string BaseImage { get; } = baseImage;

    public string? Name { get; } = name;

    public int Index { get; } = index;

    public List<DockerInstruction> Instructions { get; } = [];

    public override string ToString() => Name ?? $"stage {Index}";
}

/// <summary>A Dockerfile parsed far enough to check what it copies, builds and runs.</summary>
internal sealed partial class Dockerfile
{
    private Dockerfile(string path, List<DockerInstruction> instructions, List<DockerStage> stages)
    {
        Path = path;
        Instructions = instructions;
        Stages = stages;
    }

    public string Path { get; }

    public IReadOnlyList<DockerInstruction> Instructions { get; }

    public IReadOnlyList<DockerStage> Stages { get; }

    public DockerStage FinalStage => Stages[^1];

    public static Dockerfile Load(string path) => Parse(File.ReadAllText(path), path);

    public static Dockerfile Parse(string text, string path = "Dockerfile")
    {
        var instructions = new List<DockerInstruction>();
        var pending = new StringBuilder();
        var start = 0;
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var trimmed = line.Trim();
            // Comments (and parser directives) are whole lines, also inside a continued instruction.
            if (trimmed.StartsWith('#') || (trimmed.Length == 0 && pending.Length == 0))
            {
                continue;
            }

            if (pending.Length == 0)
            {
                start = i + 1;
            }

            var continued = trimmed.EndsWith('\\');
            pending.Append(continued ? trimmed[..^1] : trimmed).Append(' ');
            if (!continued)
            {
                instructions.Add(ToInstruction(pending.ToString(), start));
                pending.Clear();
            }
        }

        if (pending.Length > 0)
        {
            instructions.Add(ToInstruction(pending.ToString(), start));
        }

        return new Dockerfile(path, instructions, SplitStages(instructions));
    }

    public DockerStage? Stage(string nameOrIndex) =>
        Stages.FirstOrDefault(stage => string.Equals(stage.Name, nameOrIndex, StringComparison.OrdinalIgnoreCase))
        ?? (int.TryParse(nameOrIndex, out var index) && index >= 0 && index < Stages.Count ? Stages[index] : null);

    public override string ToString() => System.IO.Path.GetFileName(Path);

    private static DockerInstruction ToInstruction(string text, int line)
    {
        var trimmed = text.Trim();
        var space = trimmed.IndexOf(' ', StringComparison.Ordinal);
        return space < 0
            ? new DockerInstruction(trimmed.ToUpperInvariant(), string.Empty, line)
            : new DockerInstruction(trimmed[..space].ToUpperInvariant(), trimmed[(space + 1)..].Trim(), line);
    }

    private static List<DockerStage> SplitStages(List<DockerInstruction> instructions)
    {
        var globalArguments = new Dictionary<string, string>(StringComparer.Ordinal);
        var stages = new List<DockerStage>();
        foreach (var instruction in instructions)
        {
            if (instruction.Keyword == "FROM")
            {
                var words = instruction.Operands;
                var image = Substitute(words[0], globalArguments);
                var name = words.Count >= 3 && words[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? words[2] : null;
                stages.Add(new DockerStage(image, name, stages.Count));
            }
            else if (stages.Count == 0)
            {
                if (instruction.Keyword == "ARG")
                {
                    var parts = instruction.Arguments.Split('=', 2);
                    globalArguments[parts[0].Trim()] = parts.Length > 1 ? parts[1].Trim().Trim('"') : string.Empty;
                }
            }
            else
            {
                stages[^1].Instructions.Add(instruction);
            }
        }

        return stages;
    }

    /// <summary>Replaces $NAME, ${NAME} and ${NAME:-default} with the given values (defaults for unknown names).</summary>
    private static string Substitute(string text, Dictionary<string, string> values) =>
        VariablePattern().Replace(text, match =>
        {
            var variable = match.Groups["braced"].Success ? match.Groups["braced"].Value : match.Groups["plain"].Value;
            if (values.TryGetValue(variable, out var value) && value.Length > 0)
            {
                return value;
            }

            return match.Groups["default"].Success ? match.Groups["default"].Value : string.Empty;
        });

    [GeneratedRegex(@"\$\{(?<braced>[A-Za-z_][A-Za-z0-9_]*)(?::-(?<default>[^}]*))?\}|\$(?<plain>[A-Za-z_][A-Za-z0-9_]*)", RegexOptions.CultureInvariant)]
    private static partial Regex VariablePattern();
}
