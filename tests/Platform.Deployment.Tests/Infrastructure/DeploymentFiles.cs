namespace Platform.Deployment.Tests.Infrastructure;

/// <summary>The repository's deployment files, loaded once.</summary>
internal static class DeploymentFiles
{
    public const string ComposeFileName = "docker-compose.yml";

    private static readonly Lazy<ComposeFile> LazyCompose = new(() => ComposeFile.Load(Repository.PathOf(ComposeFileName)));

    public static ComposeFile Compose => LazyCompose.Value;

    public static ComposeService Service(string name) =>
        Compose.Services.TryGetValue(name, out var service) ? service : throw new KeyNotFoundException($"{ComposeFileName} defines no service '{name}'.");

    public static DockerIgnore IgnoreFor(ComposeService service) => DockerIgnore.Load(Build(service).Context);

    public static ComposeBuild Build(ComposeService service) =>
        service.Build ?? throw new InvalidOperationException($"Service '{service.Name}' has no build section.");

    public static Dockerfile DockerfileOf(ComposeService service) => Dockerfile.Load(Build(service).Dockerfile);

    /// <summary>
    /// The platform's own .NET services: built from a Dockerfile that publishes a project under services/. The repository-relative
    /// path of that project is returned.
    /// </summary>
    public static string? PublishedServiceProject(ComposeService service)
    {
        if (service.Build is not { } build || !File.Exists(build.Dockerfile))
        {
            return null;
        }

        var dockerfile = Dockerfile.Load(build.Dockerfile);
        var ignore = DockerIgnore.Load(build.Context);
        return DockerfileChecks.PublishedAssemblies(dockerfile, dockerfile.FinalStage, build.Context, ignore).Values
            .Select(project => Path.GetRelativePath(build.Context, project.FullPath).Replace(Path.DirectorySeparatorChar, '/'))
            .FirstOrDefault(path => path.StartsWith("services/", StringComparison.Ordinal));
    }

    public static IEnumerable<ComposeService> DotnetServices =>
        Compose.Services.Values.Where(service => PublishedServiceProject(service) is not null);

    public static TheoryData<string> AllServiceNames => new(Compose.Services.Keys);

    public static TheoryData<string> BuiltServiceNames => new(Compose.Services.Values.Where(service => service.Build is not null).Select(service => service.Name));

    public static TheoryData<string> DotnetServiceNames => new(DotnetServices.Select(service => service.Name));
}
