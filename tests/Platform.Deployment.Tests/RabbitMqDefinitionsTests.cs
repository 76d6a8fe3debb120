using Platform.Deployment.Tests.Infrastructure;

namespace Platform.Deployment.Tests;

/// <summary>The broker users compose defines, read from the definitions it writes with a .env from make-env.sh.</summary>
public sealed class RabbitMqDefinitionsTests
{
    public static TheoryData<string> DotnetServices => DeploymentFiles.DotnetServiceNames;

    [Fact]
    public async Task One_user_per_service_and_an_administrator_no_guest()
    {
        using var generated = await MakeEnv.GenerateAsync();

        var definitions = RabbitMqDefinitions.Render(generated.Values);

        definitions.Users.Select(user => user.Name).Order(StringComparer.Ordinal).ShouldBe(["admin", "extraction", "geocoding", "ingestion", "query"]);
        definitions.VirtualHosts.ShouldBe([RabbitMqDefinitions.VirtualHost]);
        definitions.Users.ShouldAllBe(user => user.HashingAlgorithm == RabbitMqDefinitions.HashingAlgorithm);
        definitions.Users.Single(user => user.Name == "admin").Tags.ShouldBe(["administrator"]);
    }

    [Theory]
    [MemberData(nameof(DotnetServices))]
    public async Task A_service_user_has_no_tags_rights_on_the_platform_vhost_only_and_the_password_its_connection_string_uses(string service)
    {
        using var generated = await MakeEnv.GenerateAsync();
        var definitions = RabbitMqDefinitions.Render(generated.Values);

        var user = definitions.Users.Single(user => user.Name == service);
        user.Tags.ShouldBeEmpty();
        var permission = definitions.Permissions.Where(permission => permission.User == service).ShouldHaveSingleItem();
        permission.ShouldBe(new RabbitMqPermission(service, RabbitMqDefinitions.VirtualHost, ".*", ".*", ".*"));
        var uri = new Uri(ComposeFile.Interpolate(DeploymentFiles.Service(service).Environment["ConnectionStrings__RabbitMq"], generated.Values));
        var credentials = uri.UserInfo.Split(':', 2);
        credentials[0].ShouldBe(service);
        RabbitMqDefinitions.IsHashOf(user.PasswordHash, Uri.UnescapeDataString(credentials[1])).ShouldBeTrue();
    }

    [Fact]
    public void The_broker_imports_the_definitions_where_compose_mounts_them()
    {
        var rabbitMq = DeploymentFiles.Service("rabbitmq");
        var configuration = File.ReadAllText(Repository.PathOf("deploy/docker/rabbitmq/platform.conf"));

        rabbitMq.Configs.ShouldContainKey(RabbitMqDefinitions.ConfigName);
        var definitionsPath = rabbitMq.Configs[RabbitMqDefinitions.ConfigName];
        configuration.Split('\n').Select(line => line.Trim()).ShouldContain($"load_definitions = {definitionsPath}");
        var mount = rabbitMq.Volumes.Where(volume => volume.Target.StartsWith("/etc/rabbitmq/conf.d/", StringComparison.Ordinal)).ShouldHaveSingleItem();
        mount.ReadOnly.ShouldBeTrue();
        Path.GetFullPath(Path.Combine(DeploymentFiles.Compose.Directory, mount.Source)).ShouldBe(Repository.PathOf("deploy/docker/rabbitmq/platform.conf"));
    }
}
