namespace Platform.Deployment.Tests.Infrastructure;

/// <summary>A "dotnet restore|publish &lt;project&gt; ..." found in a RUN instruction.</summary>
internal sealed record DotnetCommand(string Verb, string? Project, string? Output, IReadOnlyList<string> Options, DockerStage Stage, DockerInstruction Instruction)
{
    private static readonly HashSet<string> OptionsWithValue = new(StringComparer.Ordinal)
    {
        "-c", "--configuration", "-o", "--output", "-r", "--runtime", "-f", "--framework",
        "-v", "--verbosity", "-s", "--source", "-a", "--arch", "--os", "--packages",
    };

    private static readonly HashSet<string> CommandSeparators = new(StringComparer.Ordinal) { "&&", "||", ";", "|" };

    public static IEnumerable<DotnetCommand> In(Dockerfile dockerfile) =>
        dockerfile.Stages.SelectMany(stage => stage.Instructions
            .Where(instruction => instruction.Keyword == "RUN")
            .SelectMany(instruction => Parse(stage, instruction)));

    private static IEnumerable<DotnetCommand> Parse(DockerStage stage, DockerInstruction instruction)
    {
        var words = instruction.Words;
        for (var i = 0; i + 1 < words.Count; i++)
        {
            if (words[i] != "dotnet" || words[i + 1] is not ("restore" or "publish" or "build"))
            {
                continue;
            }

            string? project = null;
            string? output = null;
            var options = new List<string>();
            var j = i + 2;
            for (; j < words.Count && !CommandSeparators.Contains(words[j]); j++)
            {
                var word = words[j];
                if (OptionsWithValue.Contains(word) && j + 1 < words.Count)
                {
                    options.Add(word + " " + words[j + 1]);
                    if (word is "-o" or "--output")
                    {
                        output = words[j + 1];
                    }

                    j++;
                }
                else if (word.StartsWith('-'))
                {
                    options.Add(word);
                }
                else
                {
                    project ??= word;
                }
            }

            yield return new DotnetCommand(words[i + 1], project, output, options, stage, instruction);
            i = j;
        }
    }
}
