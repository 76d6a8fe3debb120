using Platform.Deployment.Tests.Infrastructure;

namespace Platform.Deployment.Tests;

public sealed class DockerIgnoreTests
{
    private static readonly DockerIgnore Repository = DockerIgnore.Load(Infrastructure.Repository.Root);

    [Theory]
    [InlineData("services/Ingestion/Platform.Ingestion/bin/Debug/net10.0/Platform.Ingestion.dll")]
    [InlineData("services/Ingestion/Platform.Ingestion/obj/project.assets.json")]
    [InlineData("contracts/Platform.Contracts/obj/Debug/x.cs")]
    [InlineData(".git/HEAD")]
    [InlineData(".local/infra/postgres/data/PG_VERSION")]
    [InlineData("tests/Platform.Ingestion.Tests/Platform.Ingestion.Tests.csproj")]
    [InlineData("tests/Platform.Deployment.Tests/TestResults/x.trx")]
    [InlineData("erl_crash.dump")]
    public void The_repository_dockerignore_leaves_out_build_output_local_state_and_tests(string path)
    {
        Repository.IsExcluded(path).ShouldBeTrue();
    }

    [Theory]
    [InlineData("global.json")]
    [InlineData("Directory.Build.props")]
    [InlineData("Directory.Packages.props")]
    [InlineData(".editorconfig")]
    [InlineData("contracts/protos/platform/ingestion/v1/ingestion.proto")]
    [InlineData("contracts/Platform.Contracts/Platform.Contracts.csproj")]
    [InlineData("services/Ingestion/Platform.Ingestion/Program.cs")]
    [InlineData("services/Extraction/Platform.Extraction.Engine/Lexicons/example.tsv")]
    [InlineData("services/Geocoding/Platform.Geocoding.Engine/Data/overlay.tsv")]
    [InlineData("deploy/docker/HealthProbe/Probe.cs")]
    public void The_repository_dockerignore_keeps_what_the_builds_need(string path)
    {
        Repository.IsExcluded(path).ShouldBeFalse();
    }

    [Theory]
    [InlineData("**/bin/", "a/b/bin/x.dll", true)]
    [InlineData("**/bin/", "bin/x.dll", true)]
    [InlineData("**/bin/", "a/binary/x.dll", false)]
    [InlineData("tests/", "tests/a/b.cs", true)]
    [InlineData("tests/", "src/tests/b.cs", false)]
    [InlineData("*.md", "README.md", true)]
    [InlineData("*.md", "docs/README.md", false)]
    [InlineData("a/?.txt", "a/b.txt", true)]
    [InlineData("a/?.txt", "a/bc.txt", false)]
    public void Patterns_follow_docker_semantics(string pattern, string path, bool excluded)
    {
        DockerIgnore.Parse(pattern).IsExcluded(path).ShouldBe(excluded);
    }

    [Fact]
    public void The_last_matching_line_wins_and_exceptions_re_include()
    {
        var ignore = DockerIgnore.Parse("docs/\n!docs/keep.md\n");

        ignore.IsExcluded("docs/other.md").ShouldBeTrue();
        ignore.IsExcluded("docs/keep.md").ShouldBeFalse();
    }
}
