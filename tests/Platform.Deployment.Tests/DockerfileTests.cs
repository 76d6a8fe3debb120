using Platform.Deployment.Tests.Infrastructure;

namespace Platform.Deployment.Tests;

/// <summary>The Dockerfiles compose builds, checked against the repository (the build context) without a Docker engine.</summary>
public sealed class DockerfileTests
{
    public static TheoryData<string> BuiltServices => DeploymentFiles.BuiltServiceNames;

    public static TheoryData<string> DotnetServices => DeploymentFiles.DotnetServiceNames;

    [Theory]
    [MemberData(nameof(BuiltServices))]
    public void Copy_sources_exist_in_the_build_context_and_survive_dockerignore(string service)
    {
        var (dockerfile, context, ignore) = Load(service);

        DockerfileChecks.CopySources(dockerfile, context, ignore).ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(BuiltServices))]
    public void Every_restore_and_publish_finds_its_project_and_everything_the_project_needs(string service)
    {
        var (dockerfile, context, ignore) = Load(service);

        DotnetCommand.In(dockerfile).ShouldNotBeEmpty();
        DockerfileChecks.DotnetBuilds(dockerfile, context, ignore).ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(BuiltServices))]
    public void Projects_are_restored_then_published_in_release_without_a_second_restore(string service)
    {
        var (dockerfile, _, _) = Load(service);
        var commands = DotnetCommand.In(dockerfile).ToList();

        foreach (var publish in commands.Where(command => command.Verb == "publish"))
        {
            publish.Stage.BaseImage.ShouldBe("mcr.microsoft.com/dotnet/sdk:10.0");
            publish.Options.ShouldContain("-c Release");
            publish.Options.ShouldContain("--no-restore");
            publish.Output.ShouldNotBeNull();
            commands.ShouldContain(
                command => command.Verb == "restore" && command.Stage == publish.Stage && command.Project == publish.Project
                    && command.Instruction.Line < publish.Instruction.Line,
                $"{publish.Instruction} has no restore of the same project before it");
        }
    }

    [Theory]
    [MemberData(nameof(DotnetServices))]
    public void Runtime_stage_is_aspnet_as_a_non_root_user_and_runs_the_published_service(string service)
    {
        var (dockerfile, context, ignore) = Load(service);
        var project = DeploymentFiles.PublishedServiceProject(DeploymentFiles.Service(service))!;

        DockerfileChecks.RuntimeStage(dockerfile, context, ignore, project).ShouldBeEmpty();
        dockerfile.Stages.Count.ShouldBeGreaterThan(1, "multi-stage: SDK to build, runtime image to run");
    }

    [Theory]
    [MemberData(nameof(BuiltServices))]
    public void Every_image_runs_as_a_non_root_user(string service)
    {
        var (dockerfile, _, _) = Load(service);

        DockerfileChecks.RunsAsNonRoot(dockerfile).ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(DotnetServices))]
    public void Image_defaults_match_the_ports_compose_uses(string service)
    {
        var (dockerfile, _, _) = Load(service);
        var final = dockerfile.FinalStage.Instructions;

        final.Where(instruction => instruction.Keyword == "EXPOSE").SelectMany(instruction => instruction.Words).ShouldBe(["8080", "8081", "8082"], ignoreOrder: true);
        var environment = string.Join(' ', final.Where(instruction => instruction.Keyword == "ENV").Select(instruction => instruction.Arguments));
        environment.ShouldContain("Kestrel__Endpoints__Http__Url=http://0.0.0.0:8080");
        environment.ShouldContain("Kestrel__Endpoints__Grpc__Url=http://0.0.0.0:8081");
        environment.ShouldContain("Kestrel__Endpoints__Management__Url=http://0.0.0.0:8082");
    }

    [Theory]
    [MemberData(nameof(BuiltServices))]
    public void A_health_check_run_through_dotnet_finds_its_program_in_the_image(string service)
    {
        var compose = DeploymentFiles.Service(service);
        var test = compose.HealthcheckTest;
        if (test.Count < 3 || test[0] != "CMD" || test[1] != "dotnet")
        {
            return; // not a .NET program; nothing in the image to look for
        }

        var (dockerfile, context, ignore) = Load(service);
        var assemblies = DockerfileChecks.PublishedAssemblies(dockerfile, dockerfile.FinalStage, context, ignore);

        assemblies.Keys.ShouldContain(test[2], $"{service}'s health check runs {test[2]}");
    }

    private static (Dockerfile Dockerfile, string Context, DockerIgnore Ignore) Load(string service)
    {
        var compose = DeploymentFiles.Service(service);
        return (DeploymentFiles.DockerfileOf(compose), DeploymentFiles.Build(compose).Context, DeploymentFiles.IgnoreFor(compose));
    }
}
