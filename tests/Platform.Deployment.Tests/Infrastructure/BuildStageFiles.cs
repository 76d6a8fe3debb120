namespace Platform.Deployment.Tests.Infrastructure;

/// <summary>
/// Replays the COPY and WORKDIR instructions of one build stage against the build context (honouring
/// .dockerignore) to know which context files sit where in the stage's file system at a given instruction.
/// Only the forms these Dockerfiles use are modelled: plain paths (no wildcards, no URLs) copied from the context.
/// </summary>
internal sealed class BuildStageFiles
{
    private readonly Dictionary<string, string> _files = new(StringComparer.Ordinal);
    private readonly List<string> _problems = [];

    private BuildStageFiles()
    {
    }

    /// <summary>The working directory after the replayed instructions.</summary>
    public string WorkingDirectory { get; private set; } = "/";

    /// <summary>Image path → absolute path of the context file copied there.</summary>
    public IReadOnlyDictionary<string, string> Files => _files;

    /// <summary>COPY sources that are missing from the context or entirely excluded by .dockerignore.</summary>
    public IReadOnlyList<string> Problems => _problems;

    /// <summary>Replays <paramref name="stage"/> up to, not including, <paramref name="stopAt"/> (all of it when null).</summary>
    public static BuildStageFiles Replay(DockerStage stage, string contextDirectory, DockerIgnore ignore, DockerInstruction? stopAt = null)
    {
        var files = new BuildStageFiles();
        foreach (var instruction in stage.Instructions)
        {
            if (ReferenceEquals(instruction, stopAt))
            {
                break;
            }

            switch (instruction.Keyword)
            {
                case "WORKDIR":
                    files.WorkingDirectory = UnixPath.Combine(files.WorkingDirectory, instruction.Arguments.Trim());
                    break;
                case "COPY" or "ADD" when !instruction.Flags.ContainsKey("from"):
                    files.Copy(instruction, contextDirectory, ignore);
                    break;
                default:
                    break;
            }
        }

        return files;
    }

    /// <summary>The context file at an image path (relative paths resolve against the working directory).</summary>
    public string? ContextFileAt(string imagePath) =>
        _files.TryGetValue(UnixPath.Combine(WorkingDirectory, imagePath), out var source) ? source : null;

    private void Copy(DockerInstruction instruction, string contextDirectory, DockerIgnore ignore)
    {
        var operands = instruction.Operands;
        if (operands.Count < 2)
        {
            _problems.Add($"{instruction}: needs at least one source and a destination");
            return;
        }

        var destination = UnixPath.Combine(WorkingDirectory, operands[^1]);
        var intoDirectory = operands[^1].EndsWith('/') || operands.Count > 2;
        foreach (var source in operands.Take(operands.Count - 1))
        {
            if (source.IndexOfAny(['*', '?', '[']) >= 0 || source.Contains("://", StringComparison.Ordinal))
            {
                _problems.Add($"{instruction}: source '{source}' uses a form these checks do not model");
                continue;
            }

            var relative = UnixPath.Normalize(source).TrimStart('/');
            var full = relative.Length == 0 ? contextDirectory : Path.GetFullPath(Path.Combine(contextDirectory, relative));
            if (full != contextDirectory && !full.StartsWith(contextDirectory + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                _problems.Add($"{instruction}: source '{source}' is outside the build context");
            }
            else if (File.Exists(full))
            {
                if (ignore.IsExcluded(relative))
                {
                    _problems.Add($"{instruction}: source '{source}' is excluded by .dockerignore");
                    continue;
                }

                _files[intoDirectory ? destination + "/" + Path.GetFileName(full) : destination] = full;
            }
            else if (Directory.Exists(full))
            {
                var copied = 0;
                foreach (var file in Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories))
                {
                    var fromContext = Path.GetRelativePath(contextDirectory, file).Replace(Path.DirectorySeparatorChar, '/');
                    if (ignore.IsExcluded(fromContext))
                    {
                        continue;
                    }

                    var inside = Path.GetRelativePath(full, file).Replace(Path.DirectorySeparatorChar, '/');
                    _files[UnixPath.Combine(destination, inside)] = file;
                    copied++;
                }

                if (copied == 0)
                {
                    _problems.Add($"{instruction}: source folder '{source}' is empty once .dockerignore is applied");
                }
            }
            else
            {
                _problems.Add($"{instruction}: source '{source}' does not exist in the build context ({full})");
            }
        }
    }
}
