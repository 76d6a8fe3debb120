using System.Net;
using System.Net.Sockets;
using Platform.HealthProbe;

namespace Platform.Deployment.Tests;

/// <summary>The probe the container health checks run (deploy/docker/HealthProbe), against a local HTTP listener.</summary>
public sealed class HealthProbeTests
{
    [Theory]
    [InlineData(200, Probe.Healthy)]
    [InlineData(204, Probe.Healthy)]
    [InlineData(503, Probe.Unhealthy)]
    [InlineData(500, Probe.Unhealthy)]
    [InlineData(404, Probe.Unhealthy)]
    public async Task Exit_code_follows_the_http_status(int status, int expected)
    {
        using var server = new OneShotServer(status);
        using var error = new StringWriter();

        var exitCode = await Probe.RunAsync([server.Url + "health/ready"], error, CancellationToken.None);

        exitCode.ShouldBe(expected, error.ToString());
        (await server.RequestedPath).ShouldBe("/health/ready");
    }

    [Fact]
    public async Task Nothing_listening_is_unhealthy()
    {
        using var error = new StringWriter();

        var exitCode = await Probe.RunAsync([$"http://127.0.0.1:{FreePort()}/health/ready"], error, CancellationToken.None);

        exitCode.ShouldBe(Probe.Unhealthy);
        error.ToString().ShouldContain("unreachable");
    }

    [Fact]
    public async Task An_endpoint_that_does_not_answer_in_time_is_unhealthy()
    {
        using var server = new OneShotServer(200, delay: TimeSpan.FromSeconds(10));
        using var error = new StringWriter();

        var exitCode = await Probe.RunAsync([server.Url, "1"], error, CancellationToken.None);

        exitCode.ShouldBe(Probe.Unhealthy);
        error.ToString().ShouldContain("did not answer within 1 s");
    }

    public static TheoryData<string[]> BadArguments => new(
        [],
        ["not a url"],
        ["ftp://127.0.0.1/"],
        ["http://127.0.0.1/", "0"],
        ["http://127.0.0.1/", "soon"],
        ["http://127.0.0.1/", "5", "extra"]);

    [Theory]
    [MemberData(nameof(BadArguments))]
    public async Task Bad_arguments_are_a_usage_error(string[] arguments)
    {
        using var error = new StringWriter();

        (await Probe.RunAsync(arguments, error, CancellationToken.None)).ShouldBe(Probe.Usage);
        error.ToString().ShouldNotBeEmpty();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Answers the first request with a fixed status, optionally after a delay.</summary>
    private sealed class OneShotServer : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly CancellationTokenSource _stop = new();

        public OneShotServer(int status, TimeSpan? delay = null)
        {
            Url = $"http://127.0.0.1:{FreePort()}/";
            _listener.Prefixes.Add(Url);
            _listener.Start();
            RequestedPath = AnswerAsync(status, delay ?? TimeSpan.Zero);
        }

        public string Url { get; }

        public Task<string?> RequestedPath { get; }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Close();
            _stop.Dispose();
        }

        private async Task<string?> AnswerAsync(int status, TimeSpan delay)
        {
            var context = await _listener.GetContextAsync();
            try
            {
                await Task.Delay(delay, _stop.Token);
                context.Response.StatusCode = status;
                context.Response.Close();
            }
            catch (OperationCanceledException)
            {
                context.Response.Abort();
            }

            return context.Request.Url?.AbsolutePath;
        }
    }
}
