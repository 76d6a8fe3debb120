using System.Text;
using Platform.Deployment.Tests.Infrastructure;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Platform.Deployment.Tests;

/// <summary>
/// The broker setup compose ships, booted for real: a fresh RabbitMQ 3.10 node with deploy/docker/rabbitmq/platform.conf
/// and the definitions compose writes from a .env that make-env.sh generated.
/// </summary>
public sealed class RabbitMqBootTests(RabbitMqBootTests.BootedBroker broker) : IClassFixture<RabbitMqBootTests.BootedBroker>
{
    public static TheoryData<string> DotnetServices => DeploymentFiles.DotnetServiceNames;

    [Fact]
    public async Task The_node_has_the_defined_users_with_their_tags_and_no_guest()
    {
        var users = await broker.Node.ControlAsync("list_users", "--quiet", "--no-table-headers");

        users.ExitCode.ShouldBe(0, users.ToString());
        var tags = users.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('\t')).ToDictionary(parts => parts[0], parts => parts[1].Trim());
        tags.ShouldBe(new Dictionary<string, string>
        {
            ["admin"] = "[administrator]",
            ["ingestion"] = "[]",
            ["extraction"] = "[]",
            ["geocoding"] = "[]",
            ["query"] = "[]",
        }, ignoreOrder: true);
    }

    [Fact]
    public async Task The_node_has_only_the_platform_virtual_host()
    {
        var vhosts = await broker.Node.ControlAsync("list_vhosts", "--quiet", "--no-table-headers");

        vhosts.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldBe([RabbitMqDefinitions.VirtualHost]);
    }

    [Theory]
    [MemberData(nameof(DotnetServices))]
    public async Task A_service_connects_with_its_compose_connection_string_declares_and_publishes(string service)
    {
        var composed = new Uri(ComposeFile.Interpolate(DeploymentFiles.Service(service).Environment["ConnectionStrings__RabbitMq"], broker.Env.Values));

        (await CanDeclareAnExchange(composed)).ShouldBeTrue();
    }

    [Theory]
    [InlineData("guest", "guest", RabbitMqDefinitions.VirtualHost)]
    [InlineData("guest", "guest", "")]
    [InlineData("query", "wrong", RabbitMqDefinitions.VirtualHost)]
    public async Task Other_credentials_are_refused(string user, string password, string virtualHost)
    {
        (await CanDeclareAnExchange(new Uri($"amqp://{user}:{password}@127.0.0.1:{broker.Node.AmqpPort}/{virtualHost}"))).ShouldBeFalse();
    }

    [Fact]
    public async Task A_service_user_cannot_open_another_virtual_host()
    {
        var password = broker.Env.Values["RABBITMQ_QUERY_PASSWORD"];

        (await CanDeclareAnExchange(new Uri($"amqp://query:{password}@127.0.0.1:{broker.Node.AmqpPort}/"))).ShouldBeFalse();
    }

    [Fact]
    public async Task The_broker_log_holds_no_password_or_hash()
    {
        // A refused login is what a broker logs in most detail.
        await Should.ThrowAsync<BrokerUnreachableException>(() => Connect(new Uri($"amqp://query:wrong@127.0.0.1:{broker.Node.AmqpPort}/platform")));

        // RabbitMQ's file logger writes in the background: read until the lines of boot and of the refused login are there.
        string ReadLog() => string.Concat(Directory.EnumerateFiles(broker.Node.LogFolder, "*", SearchOption.AllDirectories).Select(File.ReadAllText));
        var log = ReadLog();
        for (var wait = 0; wait < 50 && !(log.Contains("Will not seed default virtual host and user", StringComparison.OrdinalIgnoreCase)
            && log.Contains("query", StringComparison.Ordinal)); wait++)
        {
            await Task.Delay(200);
            log = ReadLog();
        }

        log.ShouldContain("Will not seed default virtual host and user");
        broker.Env.Values.Values.Where(value => log.Contains(value, StringComparison.Ordinal)).ShouldBeEmpty();
    }

    /// <summary>
    /// Whether these credentials get as far as declaring, publishing to and deleting an exchange (what MassTransit does). A
    /// refusal can come at connection or at the first channel (the server closes a connection to a virtual host it refuses
    /// right after opening it), so any failure on the way counts.
    /// </summary>
    private async Task<bool> CanDeclareAnExchange(Uri composed)
    {
        try
        {
            await using var connection = await Connect(composed);
            await using var channel = await connection.CreateChannelAsync();
            var exchange = $"compose-test-{Guid.NewGuid():N}";
            await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: false, autoDelete: false);
            await channel.BasicPublishAsync(exchange, "", Encoding.UTF8.GetBytes("hello"));
            await channel.ExchangeDeleteAsync(exchange);
            return true;
        }
        catch (Exception exception) when (exception is BrokerUnreachableException or OperationInterruptedException or AlreadyClosedException)
        {
            return false;
        }
    }

    private Task<IConnection> Connect(Uri composed)
    {
        // Compose's host and port lead to the throwaway node here; user, password and virtual host stay as compose has them.
        var uri = new UriBuilder(composed) { Host = "127.0.0.1", Port = broker.Node.AmqpPort }.Uri;
        return new ConnectionFactory { Uri = uri, RequestedConnectionTimeout = TimeSpan.FromSeconds(10), AutomaticRecoveryEnabled = false }.CreateConnectionAsync();
    }

    /// <summary>One node for the class, booted from a fresh .env.</summary>
    public sealed class BootedBroker : IAsyncLifetime
    {
        internal GeneratedEnv Env { get; private set; } = null!;

        internal ThrowawayRabbitMqNode Node { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Env = await MakeEnv.GenerateAsync();
            var rabbitMq = DeploymentFiles.Service("rabbitmq");
            Node = await ThrowawayRabbitMqNode.StartAsync(
                File.ReadAllText(Repository.PathOf("deploy/docker/rabbitmq/platform.conf")),
                rabbitMq.Configs[RabbitMqDefinitions.ConfigName],
                RabbitMqDefinitions.Render(Env.Values).Json);
        }

        public async Task DisposeAsync()
        {
            if (Node is not null)
            {
                await Node.DisposeAsync();
            }

            Env?.Dispose();
        }
    }
}
