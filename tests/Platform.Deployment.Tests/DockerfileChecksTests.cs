using Platform.Deployment.Tests.Infrastructure;

namespace Platform.Deployment.Tests;

/// <summary>The checks themselves: a broken copy of a real Dockerfile must be reported.</summary>
public sealed class DockerfileChecksTests
{
    private const string IngestionProject = "services/Ingestion/Platform.Ingestion/Platform.Ingestion.csproj";

    private static readonly string Original = File.ReadAllText(Repository.PathOf("deploy/docker/Ingestion.Dockerfile"));

    private static readonly DockerIgnore Ignore = DockerIgnore.Load(Repository.Root);

    [Fact]
    public void The_unchanged_dockerfile_passes()
    {
        var dockerfile = Dockerfile.Parse(Original);

        DockerfileChecks.CopySources(dockerfile, Repository.Root, Ignore).ShouldBeEmpty();
        DockerfileChecks.DotnetBuilds(dockerfile, Repository.Root, Ignore).ShouldBeEmpty();
        DockerfileChecks.RuntimeStage(dockerfile, Repository.Root, Ignore, IngestionProject).ShouldBeEmpty();
    }

    [Fact]
    public void A_misspelt_project_path_is_reported()
    {
        var broken = Dockerfile.Parse(Original.Replace("Platform.Ingestion.csproj", "Platform.Ingest.csproj", StringComparison.Ordinal));

        DockerfileChecks.CopySources(broken, Repository.Root, Ignore).ShouldContain(problem => problem.Contains("Platform.Ingest.csproj", StringComparison.Ordinal));
        DockerfileChecks.DotnetBuilds(broken, Repository.Root, Ignore).ShouldNotBeEmpty();
    }

    [Fact]
    public void A_referenced_project_left_out_of_the_restore_is_reported()
    {
        var broken = Dockerfile.Parse(RemoveLine(Original, "COPY contracts/Platform.Contracts/Platform.Contracts.csproj"));

        DockerfileChecks.DotnetBuilds(broken, Repository.Root, Ignore)
            .ShouldContain(problem => problem.Contains("Platform.Contracts.csproj", StringComparison.Ordinal) && problem.Contains("dotnet restore", StringComparison.Ordinal));
    }

    [Fact]
    public void Sources_left_out_of_the_publish_are_reported()
    {
        var broken = Dockerfile.Parse(RemoveLine(Original, "COPY contracts/ contracts/"));

        var problems = DockerfileChecks.DotnetBuilds(broken, Repository.Root, Ignore);

        problems.ShouldContain(problem => problem.Contains("ingestion.proto", StringComparison.Ordinal));
        problems.ShouldContain(problem => problem.Contains(".cs ", StringComparison.Ordinal) && problem.Contains("Platform.Contracts", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_root_build_file_is_reported()
    {
        var broken = Dockerfile.Parse(Original.Replace(" Directory.Packages.props .editorconfig ./", " .editorconfig ./", StringComparison.Ordinal));

        DockerfileChecks.DotnetBuilds(broken, Repository.Root, Ignore).ShouldContain(problem => problem.Contains("Directory.Packages.props", StringComparison.Ordinal));
    }

    [Fact]
    public void A_wrong_entrypoint_and_a_root_user_are_reported()
    {
        var broken = Dockerfile.Parse(RemoveLine(Original, "USER ").Replace("\"Platform.Ingestion.dll\"", "\"Platform.Query.dll\"", StringComparison.Ordinal));

        var problems = DockerfileChecks.RuntimeStage(broken, Repository.Root, Ignore, IngestionProject);

        problems.ShouldContain(problem => problem.Contains("ENTRYPOINT", StringComparison.Ordinal));
        problems.ShouldContain(problem => problem.Contains("non-root", StringComparison.Ordinal));
    }

    [Fact]
    public void A_source_excluded_by_dockerignore_is_reported()
    {
        var broken = Dockerfile.Parse("FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build\nWORKDIR /src\nCOPY tests/Directory.Build.props ./\n");

        DockerfileChecks.CopySources(broken, Repository.Root, Ignore).ShouldContain(problem => problem.Contains("excluded by .dockerignore", StringComparison.Ordinal));
    }

    [Fact]
    public void Continuation_lines_and_comments_are_parsed_like_docker_does()
    {
        var dockerfile = Dockerfile.Parse("""
            # syntax=docker/dockerfile:1
            ARG BASE=mcr.microsoft.com/dotnet/aspnet:10.0
            FROM ${BASE} AS final
            ENV A=1 \
                # a comment inside a continuation
                B=2
            ENTRYPOINT ["dotnet", "App.dll"]
            """);

        dockerfile.FinalStage.BaseImage.ShouldBe("mcr.microsoft.com/dotnet/aspnet:10.0");
        dockerfile.FinalStage.Name.ShouldBe("final");
        dockerfile.FinalStage.Instructions.Select(instruction => instruction.Keyword).ShouldBe(["ENV", "ENTRYPOINT"]);
        dockerfile.FinalStage.Instructions[0].Words.ShouldBe(["A=1", "B=2"]);
        dockerfile.FinalStage.Instructions[1].Words.ShouldBe(["dotnet", "App.dll"]);
    }

    private static string RemoveLine(string text, string startingWith) =>
        string.Join('\n', text.Split('\n').Where(line => !line.StartsWith(startingWith, StringComparison.Ordinal)));
}
