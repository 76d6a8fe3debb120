using Platform.Deployment.Tests.Infrastructure;

namespace Platform.Deployment.Tests;

/// <summary>deploy/docker/make-env.sh, run with bash into a folder of its own.</summary>
public sealed class MakeEnvTests
{
    [Fact]
    public async Task Writes_a_file_only_its_owner_can_read()
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("make-env.sh and its file mode are for Unix hosts");
        }

        using var generated = await MakeEnv.GenerateAsync();

        File.GetUnixFileMode(generated.Path).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    [Fact]
    public async Task Every_secret_is_long_random_hex_and_differs_from_the_others_and_from_another_run()
    {
        using var first = await MakeEnv.GenerateAsync();
        using var second = await MakeEnv.GenerateAsync();

        var secrets = first.Values.Where(setting => !setting.Key.EndsWith("_HASH", StringComparison.Ordinal)).ToList();
        // Three PostgreSQL and five RabbitMQ passwords, the dashboard's OTLP key, the access-token signing key, Grafana's
        // administrator password.
        secrets.Count.ShouldBe(11);
        foreach (var (name, value) in secrets)
        {
            value.ShouldMatch("^[0-9a-f]{48}$", $"{name}");
            second.Values[name].ShouldNotBe(value, $"{name} is the same in two runs");
        }

        secrets.Select(setting => setting.Value).Distinct(StringComparer.Ordinal).Count().ShouldBe(secrets.Count);
    }

    [Fact]
    public async Task Each_rabbitmq_hash_is_of_the_password_above_it_with_a_salt_of_its_own()
    {
        using var first = await MakeEnv.GenerateAsync();

        var hashes = first.Values.Where(setting => setting.Key.EndsWith("_PASSWORD_HASH", StringComparison.Ordinal)).ToList();
        hashes.Select(hash => hash.Key).Order(StringComparer.Ordinal).ShouldBe(
            ["RABBITMQ_ADMIN_PASSWORD_HASH", "RABBITMQ_EXTRACTION_PASSWORD_HASH", "RABBITMQ_GEOCODING_PASSWORD_HASH", "RABBITMQ_INGESTION_PASSWORD_HASH", "RABBITMQ_QUERY_PASSWORD_HASH"]);
        foreach (var (name, hash) in hashes)
        {
            var password = first.Values[name[..^"_HASH".Length]];
            RabbitMqDefinitions.IsHashOf(hash, password).ShouldBeTrue(name);
            RabbitMqDefinitions.IsHashOf(hash, password + "x").ShouldBeFalse(name);
        }

        hashes.Select(hash => Convert.FromBase64String(hash.Value)[..4]).Select(Convert.ToHexString).Distinct().Count().ShouldBeGreaterThan(1);
    }

    [Fact]
    public async Task Refuses_to_overwrite_an_existing_file()
    {
        using var generated = await MakeEnv.GenerateAsync();
        var before = await File.ReadAllTextAsync(generated.Path);

        var again = await MakeEnv.RunAsync(generated.Path);

        again.ExitCode.ShouldNotBe(0);
        again.Error.ShouldContain("already exists");
        (await File.ReadAllTextAsync(generated.Path)).ShouldBe(before);
    }

    [Fact]
    public async Task Writes_next_to_the_compose_file_when_given_no_path()
    {
        // Run from a copy placed like the real one, so the repository's own .env is never touched.
        var root = Directory.CreateTempSubdirectory("platform-make-env-root-");
        try
        {
            var script = Path.Combine(root.FullName, "deploy", "docker", "make-env.sh");
            Directory.CreateDirectory(Path.GetDirectoryName(script)!);
            File.Copy(MakeEnv.ScriptPath, script);

            var result = await ProcessRunner.RunAsync("bash", [script]);

            result.ExitCode.ShouldBe(0, result.ToString());
            File.Exists(Path.Combine(root.FullName, ".env")).ShouldBeTrue(result.ToString());
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
