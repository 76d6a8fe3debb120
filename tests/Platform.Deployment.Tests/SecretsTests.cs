using Platform.Deployment.Tests.Infrastructure;

namespace Platform.Deployment.Tests;

/// <summary>Passwords and keys of the compose setup come from the uncommitted .env that make-env.sh writes, never from a committed file.</summary>
public sealed class SecretsTests
{
    /// <summary>
    /// docker-compose.yml and what is committed under deploy/, the local scripts included (infra.sh makes its passwords).
    /// </summary>
    public static TheoryData<string> CommittedDeploymentFiles() => new(FilesToScan());

    private static List<string> FilesToScan() =>
        RepositoryFiles().Result
            .Where(file => file == DeploymentFiles.ComposeFileName || file.StartsWith("deploy/", StringComparison.Ordinal))
            .Where(file => !file.EndsWith(".txt", StringComparison.Ordinal))
            .ToList();

    [Theory]
    [MemberData(nameof(CommittedDeploymentFiles))]
    public void A_committed_deployment_file_holds_no_password_literal(string file)
    {
        SecretScanner.LiteralsIn(File.ReadAllText(Repository.PathOf(file))).ShouldBeEmpty();
    }

    [Fact]
    public void The_files_this_change_adds_are_among_those_checked()
    {
        var checkedFiles = FilesToScan();
        checkedFiles.ShouldContain(DeploymentFiles.ComposeFileName);
        checkedFiles.ShouldContain("deploy/docker/make-env.sh");
        checkedFiles.ShouldContain(PostgresInitScript.RelativePath);
        checkedFiles.ShouldContain("deploy/docker/rabbitmq/platform.conf");
        checkedFiles.ShouldContain("deploy/k8s/base/kustomization.yaml");
        checkedFiles.ShouldContain("deploy/k8s/base/ingestion.yaml");
        checkedFiles.ShouldContain("deploy/k8s/overlays/local/kustomization.yaml");
        checkedFiles.ShouldContain("deploy/k8s/overlays/local/make-secrets.sh");
    }

    [Theory]
    [InlineData("      POSTGRES_PASSWORD: platform")]
    [InlineData("      RABBITMQ_DEFAULT_PASS: platform")]
    [InlineData("  ConnectionStrings__RabbitMq: amqp://platform:platform@rabbitmq:5672/")]
    [InlineData("      ConnectionStrings__Postgres: Host=postgres;Port=5432;Database=platform;Username=platform;Password=platform")]
    [InlineData("    CREATE ROLE platform LOGIN SUPERUSER PASSWORD 'platform';")]
    [InlineData("mgmt_ok() { curl -fsS -o /dev/null -u platform:platform \"$MGMT_URL/api/overview\"; }")]
    [InlineData("      Dashboard__Otlp__PrimaryApiKey: 5f0c2a")]
    [InlineData("""          {"name": "query", "password_hash": "kI9XQm", "tags": []}""")]
    [InlineData("# ConnectionStrings__Postgres: Host=postgres;Username=platform;Password=platform")]
    [InlineData("      - Auth__Jwt__SigningKey=c2VjcmV0")]
    [InlineData("Auth__Jwt__SigningKey: 9f3a61")]
    public void The_scan_finds_a_literal_password(string line)
    {
        SecretScanner.LiteralsIn(line).ShouldHaveSingleItem();
    }

    [Theory]
    [InlineData("      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?run deploy/docker/make-env.sh to write .env}")]
    [InlineData("  ConnectionStrings__RabbitMq: amqp://query:${RABBITMQ_QUERY_PASSWORD:?run make-env.sh}@rabbitmq:5672/platform")]
    [InlineData("      ConnectionStrings__Postgres: Host=postgres;Username=query;Password=${POSTGRES_QUERY_PASSWORD:?x}")]
    [InlineData("create role :\"query_role\" login password :'query_password';")]
    [InlineData("POSTGRES_PASSWORD=$postgres_password")]
    [InlineData(""": "${POSTGRES_QUERY_PASSWORD:?POSTGRES_QUERY_PASSWORD is not set}" """)]
    [InlineData("# RabbitMQ \"admin\": the management UI (user admin, RABBITMQ_ADMIN_PASSWORD from .env)")]
    [InlineData("# Secrets: every password and key comes from .env next to this file")]
    [InlineData("      automountServiceAccountToken: false")]
    [InlineData("  printf '%s' \"amqp://$user:$password@$rabbitmq_host:5672/platform\"")]
    [InlineData("  printf '%s' \"Host=$postgres_host;Port=5432;Database=platform;Username=$user;Password=$password\"")]
    public void The_scan_accepts_a_value_taken_from_a_variable(string line)
    {
        SecretScanner.LiteralsIn(line).ShouldBeEmpty();
    }

    [Fact]
    public void Every_secret_setting_in_compose_is_a_required_variable()
    {
        var secrets = DeploymentFiles.Compose.Services.Values
            .SelectMany(service => service.Environment.Select(setting => (Service: service.Name, setting.Key, setting.Value)))
            .Where(setting => setting.Key.Contains("PASS", StringComparison.OrdinalIgnoreCase)
                || setting.Key.Contains("KEY", StringComparison.OrdinalIgnoreCase)
                || setting.Key.Contains("HEADERS", StringComparison.OrdinalIgnoreCase)
                || setting.Key.StartsWith("ConnectionStrings__", StringComparison.Ordinal))
            .ToList();

        secrets.Count.ShouldBeGreaterThanOrEqualTo(4 + 2 + 3 + 4 + 1);
        foreach (var (service, key, value) in secrets)
        {
            ComposeFile.RequiredVariablesIn(value).ShouldNotBeEmpty($"{service}: {key} = {value}");
            ComposeFile.VariablesIn(value).ShouldBe(ComposeFile.RequiredVariablesIn(value), $"{service}: {key} may only use ${{NAME:?message}}");
        }
    }

    [Fact]
    public void Compose_refuses_to_start_without_env_and_says_what_to_run()
    {
        var text = File.ReadAllText(DeploymentFiles.Compose.FullPath);

        var refusal = Should.Throw<InvalidOperationException>(() => ComposeFile.Interpolate(text, new Dictionary<string, string>()));

        refusal.Message.ShouldContain("deploy/docker/make-env.sh");
        // Every required reference carries the same hint, whichever one compose meets first.
        var references = System.Text.RegularExpressions.Regex.Matches(text, @"\$\{[A-Za-z0-9_]+:\?(?<message>[^}]*)\}");
        references.Count.ShouldBe(ComposeFile.RequiredVariablesIn(text).Count);
        references.Select(reference => reference.Groups["message"].Value).Distinct().ShouldBe(["run deploy/docker/make-env.sh to write .env"]);
    }

    [Fact]
    public async Task Make_env_writes_every_variable_compose_requires()
    {
        using var generated = await MakeEnv.GenerateAsync();
        var text = File.ReadAllText(DeploymentFiles.Compose.FullPath);

        var required = ComposeFile.RequiredVariablesIn(text).Distinct().Order(StringComparer.Ordinal).ToList();

        required.ShouldNotBeEmpty();
        required.ShouldBeSubsetOf(generated.Values.Keys);
        // The one value compose does not read: the administrator's password, for an operator to log in with.
        generated.Values.Keys.Except(required).ShouldBe(["RABBITMQ_ADMIN_PASSWORD"]);
        Should.NotThrow(() => ComposeFile.Interpolate(text, generated.Values));
    }

    [Fact]
    public async Task The_env_file_is_ignored_by_git_and_never_sent_to_the_image_builder()
    {
        var ignored = await ProcessRunner.RunAsync("git", ["-C", Repository.Root, "check-ignore", "--no-index", "--quiet", ".env"]);

        ignored.ExitCode.ShouldBe(0, ignored.ToString());
        (await RepositoryFiles()).ShouldNotContain(file => Path.GetFileName(file) == ".env");
        DockerIgnore.Load(Repository.Root).IsExcluded(".env").ShouldBeTrue();
    }

    /// <summary>Files git tracks or would track (not ignored), so that a new file is checked before it is committed.</summary>
    private static async Task<IReadOnlyList<string>> RepositoryFiles()
    {
        var listed = await ProcessRunner.RunAsync("git", ["-C", Repository.Root, "ls-files", "--cached", "--others", "--exclude-standard"]);
        listed.ExitCode.ShouldBe(0, listed.ToString());
        return listed.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(file => File.Exists(Repository.PathOf(file))).ToList();
    }
}
