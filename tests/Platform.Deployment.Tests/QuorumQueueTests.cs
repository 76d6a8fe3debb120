using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.ServiceDefaults;
using Platform.Testing;

namespace Platform.Deployment.Tests;

/// <summary>
/// <c>Messaging:QuorumQueues</c> (set by deploy/k8s) on the real broker: a bus configured the way every service configures
/// it declares its receive queues, in a virtual host of its own, and the management API says which type they got.
/// </summary>
public sealed class QuorumQueueTests
{
    private const string ServiceName = "quorumcheck";
    private const string ReceiveQueue = "quorumcheck-quorum-probe";

    [Fact]
    public async Task With_the_setting_on_every_receive_queue_and_its_error_queue_is_a_quorum_queue()
    {
        var queues = await DeclaredQueuesAsync(quorumQueues: true);

        queues.ShouldContainKey(ReceiveQueue);
        queues.ShouldContainKey(ReceiveQueue + "_error");
        foreach (var (name, queue) in queues.Where(queue => queue.Value.Durable))
        {
            queue.Type.ShouldBe("quorum", $"queue {name}");
            queue.DeclaredType.ShouldBe("quorum", $"x-queue-type of {name}");
        }
    }

    [Fact]
    public async Task By_default_the_queues_stay_classic()
    {
        var queues = await DeclaredQueuesAsync(quorumQueues: null);

        queues.ShouldContainKey(ReceiveQueue);
        queues[ReceiveQueue].Type.ShouldBe("classic");
        queues[ReceiveQueue + "_error"].Type.ShouldBe("classic");
    }

    private sealed record Queue(string Type, string? DeclaredType, bool Durable);

    /// <summary>
    /// Starts the bus on a fresh virtual host, lets one message fail so that the error queue is declared too, and
    /// returns the host's queues by name.
    /// </summary>
    private static async Task<IReadOnlyDictionary<string, Queue>> DeclaredQueuesAsync(bool? quorumQueues)
    {
        var broker = new IsolatedInfrastructure();
        await broker.InitializeAsync();
        try
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:RabbitMq"] = broker.RabbitMq.ToString(),
                ["Messaging:QuorumQueues"] = quorumQueues?.ToString(),
            });
            builder.AddPlatformMessaging(ServiceName, bus => bus.AddConsumer<QuorumProbeConsumer>());
            // The queue and its binding exist before the message is published.
            builder.Services.Configure<MassTransitHostOptions>(options => options.WaitUntilStarted = true);
            using var host = builder.Build();
            await host.StartAsync();
            try
            {
                await host.Services.GetRequiredService<IBus>().Publish(new QuorumProbe("fails on purpose"));
                var errorQueueDeclared = await RabbitQueues.EventuallyAsync(
                    async () => (await QueuesAsync(broker.VirtualHost)).ContainsKey(ReceiveQueue + "_error"), TimeSpan.FromSeconds(30));
                var queues = await QueuesAsync(broker.VirtualHost);
                errorQueueDeclared.ShouldBeTrue($"the failed message should have moved to the error queue; queues: {string.Join(", ", queues.Keys)}");
                return queues;
            }
            finally
            {
                await host.StopAsync();
            }
        }
        finally
        {
            await broker.DisposeAsync();
        }
    }

    private static async Task<IReadOnlyDictionary<string, Queue>> QueuesAsync(string virtualHost)
    {
        using var client = Platform.Testing.Infrastructure.ManagementClient();
        using var response = await client.GetAsync($"api/queues/{Uri.EscapeDataString(virtualHost)}");
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.EnumerateArray().ToDictionary(
            queue => queue.GetProperty("name").GetString()!,
            queue => new Queue(
                queue.GetProperty("type").GetString()!,
                queue.GetProperty("arguments").TryGetProperty("x-queue-type", out var declared) ? declared.GetString() : null,
                queue.GetProperty("durable").GetBoolean()),
            StringComparer.Ordinal);
    }
}

public sealed record QuorumProbe(string Text);

public sealed class QuorumProbeConsumer : IConsumer<QuorumProbe>
{
    public Task Consume(ConsumeContext<QuorumProbe> context) => throw new InvalidOperationException(context.Message.Text);
}
