namespace Platform.Deployment.Tests.Infrastructure;

/// <summary>
/// Checks of a Dockerfile against the build context it is built from. Each returns the problems it finds, so the tests can
/// show all of them at once, and so that a deliberately broken Dockerfile can be shown to fail.
/// </summary>
internal static class DockerfileChecks
{
    /// <summary>Build files MSBuild and the SDK pick up from a project's folder or any folder above it.</summary>
    private static readonly string[] BuildSettingFiles =
        ["Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "global.json", "NuGet.config", "nuget.config", "NuGet.Config"];

    /// <summary>Every COPY/ADD from the context names something that exists there and survives .dockerignore.</summary>
    public static List<string> CopySources(Dockerfile dockerfile, string context, DockerIgnore ignore) =>
        dockerfile.Stages.SelectMany(stage => BuildStageFiles.Replay(stage, context, ignore).Problems.Select(problem => $"{stage}: {problem}")).ToList();

    /// <summary>
    /// Every "dotnet restore/publish" names a project file that was copied into the stage; at restore time the stage holds
    /// the project files of the whole reference closure and the repository's build settings, and at publish time every
    /// source file of those projects (and their .proto files), each at the same place relative to the others as in the repository.
    /// </summary>
    public static List<string> DotnetBuilds(Dockerfile dockerfile, string context, DockerIgnore ignore)
    {
        var problems = new List<string>();
        foreach (var command in DotnetCommand.In(dockerfile))
        {
            if (command.Project is null)
            {
                problems.Add($"{command.Instruction}: names no project file");
                continue;
            }

            var files = BuildStageFiles.Replay(command.Stage, context, ignore, command.Instruction);
            var imageProject = UnixPath.Combine(files.WorkingDirectory, command.Project);
            var repositoryProject = files.ContextFileAt(imageProject);
            if (repositoryProject is null || !repositoryProject.EndsWith(".csproj", StringComparison.Ordinal))
            {
                problems.Add($"{command.Instruction}: project '{command.Project}' ({imageProject}) was not copied into stage {command.Stage} before this step");
                continue;
            }

            var relative = Path.GetRelativePath(context, repositoryProject).Replace(Path.DirectorySeparatorChar, '/');
            if (!imageProject.EndsWith("/" + relative, StringComparison.Ordinal))
            {
                problems.Add($"{command.Instruction}: {imageProject} holds {relative}; the stage must keep the repository layout");
                continue;
            }

            var imageRoot = imageProject[..^relative.Length];
            string ImagePathOf(string repositoryFile) =>
                UnixPath.Combine(imageRoot, Path.GetRelativePath(context, repositoryFile).Replace(Path.DirectorySeparatorChar, '/'));

            var required = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var project in MsBuildProject.Load(repositoryProject).Closure())
            {
                required.Add(project.FullPath);
                foreach (var reference in project.ProjectReferences.Where(reference => !File.Exists(reference)))
                {
                    problems.Add($"{project}: referenced project {reference} does not exist");
                }

                for (var folder = new DirectoryInfo(project.Directory); folder is not null; folder = folder.Parent)
                {
                    var names = command.Verb == "restore" ? BuildSettingFiles : [.. BuildSettingFiles, ".editorconfig"];
                    foreach (var name in names)
                    {
                        var candidate = Path.Combine(folder.FullName, name);
                        if (File.Exists(candidate))
                        {
                            required.Add(candidate);
                        }
                    }

                    if (string.Equals(folder.FullName.TrimEnd(Path.DirectorySeparatorChar), context.TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal))
                    {
                        break;
                    }
                }

                if (command.Verb != "restore")
                {
                    foreach (var file in Directory.EnumerateFiles(project.Directory, "*", SearchOption.AllDirectories)
                        .Concat(project.ProtobufFiles)
                        .Concat(project.ProtoRoots.Where(Directory.Exists).SelectMany(root => Directory.EnumerateFiles(root, "*.proto", SearchOption.AllDirectories))))
                    {
                        if (!ignore.IsExcluded(Path.GetRelativePath(context, file).Replace(Path.DirectorySeparatorChar, '/')))
                        {
                            required.Add(file);
                        }
                    }
                }
            }

            foreach (var file in required)
            {
                var imagePath = ImagePathOf(file);
                if (!files.Files.TryGetValue(imagePath, out var copied) || copied != file)
                {
                    problems.Add($"{command.Instruction}: needs {Path.GetRelativePath(context, file)} at {imagePath}, which the stage does not have at that point");
                }
            }
        }

        return problems;
    }

    /// <summary>The assemblies a stage receives through COPY --from=&lt;stage&gt; of a "dotnet publish -o" folder, by image path.</summary>
    public static Dictionary<string, MsBuildProject> PublishedAssemblies(Dockerfile dockerfile, DockerStage stage, string context, DockerIgnore ignore)
    {
        var assemblies = new Dictionary<string, MsBuildProject>(StringComparer.Ordinal);
        var workingDirectory = "/";
        foreach (var instruction in stage.Instructions)
        {
            if (instruction.Keyword == "WORKDIR")
            {
                workingDirectory = UnixPath.Combine(workingDirectory, instruction.Arguments.Trim());
            }

            if (instruction.Keyword != "COPY" || !instruction.Flags.TryGetValue("from", out var from) || instruction.Operands.Count != 2)
            {
                continue;
            }

            var source = dockerfile.Stage(from);
            if (source is null)
            {
                continue;
            }

            var copiedFolder = UnixPath.Normalize(instruction.Operands[0]);
            var destination = UnixPath.Combine(workingDirectory, instruction.Operands[1]);
            foreach (var publish in DotnetCommand.In(dockerfile).Where(command => command.Stage == source && command.Verb == "publish" && command.Output is not null))
            {
                var files = BuildStageFiles.Replay(source, context, ignore, publish.Instruction);
                if (UnixPath.Combine(files.WorkingDirectory, publish.Output!) != copiedFolder || publish.Project is null)
                {
                    continue;
                }

                var repositoryProject = files.ContextFileAt(publish.Project);
                if (repositoryProject is not null && File.Exists(repositoryProject))
                {
                    var project = MsBuildProject.Load(repositoryProject);
                    assemblies[UnixPath.Combine(destination, project.AssemblyName + ".dll")] = project;
                }
            }
        }

        return assemblies;
    }

    /// <summary>
    /// The final stage ends as a non-root user: its last USER names one ($APP_UID and "app" are the .NET images' UID 1654).
    /// A stage without USER would run as whatever its base image sets, so it must say so itself.
    /// </summary>
    public static List<string> RunsAsNonRoot(Dockerfile dockerfile)
    {
        var user = dockerfile.FinalStage.Instructions.LastOrDefault(instruction => instruction.Keyword == "USER")?.Arguments.Trim();
        return string.IsNullOrEmpty(user) || user.Split(':')[0] is "root" or "0"
            ? [$"the final stage runs as '{user ?? "root (no USER)"}'; it must switch to a non-root user"]
            : [];
    }

    /// <summary>
    /// The last stage of a service image: ASP.NET Core runtime image, a non-root USER, and an ENTRYPOINT that runs the
    /// assembly published from <paramref name="expectedProject"/> (repository-relative).
    /// </summary>
    public static List<string> RuntimeStage(Dockerfile dockerfile, string context, DockerIgnore ignore, string expectedProject)
    {
        var problems = new List<string>();
        var final = dockerfile.FinalStage;
        if (!final.BaseImage.StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0", StringComparison.Ordinal))
        {
            problems.Add($"the final stage is based on {final.BaseImage}, not mcr.microsoft.com/dotnet/aspnet:10.0");
        }

        problems.AddRange(RunsAsNonRoot(dockerfile));
        var entrypoint = final.Instructions.LastOrDefault(instruction => instruction.Keyword == "ENTRYPOINT");
        var workingDirectory = final.Instructions.Where(instruction => instruction.Keyword == "WORKDIR")
            .Aggregate("/", (directory, instruction) => UnixPath.Combine(directory, instruction.Arguments.Trim()));
        var assemblies = PublishedAssemblies(dockerfile, final, context, ignore);
        var expected = Path.GetFullPath(Path.Combine(context, expectedProject));
        if (!assemblies.Values.Any(project => project.FullPath == expected))
        {
            problems.Add($"the final stage does not receive the publish output of {expectedProject}");
        }

        if (entrypoint is null || !entrypoint.Arguments.TrimStart().StartsWith('['))
        {
            problems.Add("the final stage needs an exec-form ENTRYPOINT, e.g. [\"dotnet\", \"App.dll\"]");
        }
        else
        {
            var words = entrypoint.Words;
            var target = words.Count >= 2 && words[0] == "dotnet" ? UnixPath.Combine(workingDirectory, words[1]) : null;
            if (target is null || !assemblies.TryGetValue(target, out var project) || project.FullPath != expected)
            {
                problems.Add($"{entrypoint}: does not run the assembly published from {expectedProject} (published here: {string.Join(", ", assemblies.Keys)})");
            }
        }

        return problems;
    }
}
