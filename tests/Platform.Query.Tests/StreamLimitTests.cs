using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Platform.Query.V1;
using Platform.Testing;

namespace Platform.Query.Tests;

/// <summary>Server streams end after Query:MaxStreamDuration (here 2 s) with UNAVAILABLE and where to resume.</summary>
public sealed class StreamLimitTests : IAsyncLifetime
{
    private readonly IsolatedInfrastructure _infrastructure = new();
    private WebApplication? _app;
    private Grpc.Net.Client.GrpcChannel? _channel;
    private IncidentQuery.IncidentQueryClient _client = null!;

    public async Task InitializeAsync()
    {
        await _infrastructure.InitializeAsync();
        var port = LedgerTests.FreePort();
        _app = await LedgerTests.StartQueryAsync(_infrastructure, port, LedgerTests.FreePort(), new() { ["Query:MaxStreamDuration"] = "00:00:02" });
        _channel = TestSecurity.Channel(new Uri($"http://127.0.0.1:{port}"));
        _client = new IncidentQuery.IncidentQueryClient(_channel);
    }

    public async Task DisposeAsync()
    {
        _channel?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        await _infrastructure.DisposeAsync();
    }

    [Fact]
    public async Task A_followed_replay_and_a_watch_end_after_the_longest_duration_with_UNAVAILABLE_and_the_position_to_resume_from()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var replay = _client.ReadEvents(new ReadEventsRequest { Follow = true }, deadline: DateTime.UtcNow.AddSeconds(30));
        var replayEnd = await Should.ThrowAsync<RpcException>(async () => await replay.ResponseStream.ReadAllAsync().CountAsync());
        var replaySeconds = clock.Elapsed.TotalSeconds;
        using var watch = _client.WatchIncidents(new WatchIncidentsRequest { FromPosition = 0 }, deadline: DateTime.UtcNow.AddSeconds(30));
        var watchEnd = await Should.ThrowAsync<RpcException>(async () => await watch.ResponseStream.ReadAllAsync().CountAsync());

        replayEnd.StatusCode.ShouldBe(StatusCode.Unavailable);
        replayEnd.Status.Detail.ShouldContain("resume from position 0");
        replaySeconds.ShouldBeInRange(1.5, 20);
        watchEnd.StatusCode.ShouldBe(StatusCode.Unavailable);
        watchEnd.Status.Detail.ShouldContain("Query:MaxStreamDuration");
    }
}
