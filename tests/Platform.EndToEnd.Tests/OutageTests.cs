using System.Net;
using System.Net.Http.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Npgsql;
using Platform.Ingestion.V1;
using Platform.Testing;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// The Ingestion service with PostgreSQL and RabbitMQ reached through proxies the tests cut, and its gRPC port behind
/// one too: what clients, probes and the command line see while a dependency is gone, and that all comes back.
/// </summary>
public sealed class OutagePlatform : IAsyncLifetime
{
    public IsolatedInfrastructure Infrastructure { get; } = new();
    public TcpProxy Postgres { get; private set; } = null!;
    public TcpProxy RabbitMq { get; private set; } = null!;
    public TcpProxy Grpc { get; private set; } = null!;
    public ServiceProcess Ingestion { get; private set; } = null!;

    /// <summary>Ingestion's gRPC address through <see cref="Grpc"/>.</summary>
    public Uri ProxiedGrpcAddress => new($"http://127.0.0.1:{Grpc.Port}");

    public async Task InitializeAsync()
    {
        await Infrastructure.InitializeAsync();
        var postgres = new NpgsqlConnectionStringBuilder(Infrastructure.Postgres);
        Postgres = new TcpProxy(postgres.Host!, postgres.Port);
        postgres.Port = Postgres.Port;
        RabbitMq = new TcpProxy(Infrastructure.RabbitMq.Host, Infrastructure.RabbitMq.Port);
        var rabbit = new UriBuilder(Infrastructure.RabbitMq) { Port = RabbitMq.Port }.Uri;
        Ingestion = ServiceProcess.StartIngestion(postgres.ConnectionString, rabbit, Infrastructure.NewSchema("ingestion"));
        await Ingestion.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
        Grpc = new TcpProxy("127.0.0.1", Ingestion.GrpcPort);
    }

    public async Task DisposeAsync()
    {
        await Ingestion.DisposeAsync();
        await Grpc.DisposeAsync();
        await RabbitMq.DisposeAsync();
        await Postgres.DisposeAsync();
        await Infrastructure.DisposeAsync();
    }
}

public sealed class OutageTests(OutagePlatform platform) : IClassFixture<OutagePlatform>
{
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(60);

    private HttpClient Http() => platform.Ingestion.HttpApi(timeout: TimeSpan.FromSeconds(90));

    private HttpClient Management() => new() { BaseAddress = platform.Ingestion.ManagementAddress, Timeout = TimeSpan.FromSeconds(90) };

    private static object Article(string text) => new { text, publishedOn = "2021-03-02", url = "https://example.org/" + Guid.NewGuid().ToString("N") };

    private async Task<bool> ReadyIsAsync(HttpStatusCode status)
    {
        using var management = Management();
        return await RabbitQueues.EventuallyAsync(async () => (await management.GetAsync("/health/ready")).StatusCode == status, Recovery);
    }

    [Fact]
    public async Task While_PostgreSQL_is_gone_submissions_answer_503_with_Retry_After_or_UNAVAILABLE_readiness_fails_and_all_comes_back()
    {
        using var http = Http();
        using var management = Management();
        using var channel = TestSecurity.Channel(platform.Ingestion.GrpcAddress);
        var client = new ArticleIngestion.ArticleIngestionClient(channel);
        var article = Article($"Shelling hit the town of Saraqib on Monday ({Guid.NewGuid():N}).");
        (await management.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK, platform.Ingestion.Tail(20));

        try
        {
            platform.Postgres.Cut();
            var during = await http.PostAsJsonAsync("/articles", article);
            var grpc = await Should.ThrowAsync<RpcException>(client.SubmitArticleAsync(
                new SubmitArticleRequest { Text = $"Clashes near Jarjanaz ({Guid.NewGuid():N}).", PublishedOn = "2021-03-02" },
                deadline: DateTime.UtcNow.AddSeconds(90)).ResponseAsync);
            (await ReadyIsAsync(HttpStatusCode.ServiceUnavailable)).ShouldBeTrue("readiness stayed 200 with PostgreSQL gone");
            var readiness = await (await management.GetAsync("/health/ready")).Content.ReadAsStringAsync();

            during.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, platform.Ingestion.Tail(30));
            during.Headers.RetryAfter.ShouldNotBeNull().Delta.ShouldBe(TimeSpan.FromSeconds(5));
            (await during.Content.ReadAsStringAsync()).ShouldContain("retry later");
            grpc.StatusCode.ShouldBe(StatusCode.Unavailable);
            readiness.ShouldContain("\"postgresql\":{\"status\":\"Unhealthy\"");
        }
        finally
        {
            platform.Postgres.Restore();
        }

        (await ReadyIsAsync(HttpStatusCode.OK)).ShouldBeTrue(platform.Ingestion.Tail(30));
        // Nothing of the refused submission was kept: sent again it is new, then a duplicate.
        (await http.PostAsJsonAsync("/articles", article)).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await http.PostAsJsonAsync("/articles", article)).StatusCode.ShouldBe(HttpStatusCode.OK);
        platform.Ingestion.HasExited.ShouldBeFalse();
    }

    [Fact]
    public async Task While_RabbitMQ_is_gone_readiness_fails_articles_are_still_accepted_and_readiness_comes_back()
    {
        using var http = Http();
        using var management = Management();
        try
        {
            platform.RabbitMq.Cut();
            (await ReadyIsAsync(HttpStatusCode.ServiceUnavailable)).ShouldBeTrue(
                "readiness stayed 200 with RabbitMQ gone: " + await (await management.GetAsync("/health/ready")).Content.ReadAsStringAsync());
            // The outbox keeps what is stored until the broker is back: accepting goes on.
            (await http.PostAsJsonAsync("/articles", Article($"Protest in Idlib city ({Guid.NewGuid():N})."))).StatusCode.ShouldBe(HttpStatusCode.Created);
        }
        finally
        {
            platform.RabbitMq.Restore();
        }
        (await ReadyIsAsync(HttpStatusCode.OK)).ShouldBeTrue(platform.Ingestion.Tail(30));
    }

    [Fact]
    public async Task The_cli_rides_out_a_broken_stream_and_every_article_is_stored_once()
    {
        var folder = Directory.CreateTempSubdirectory("cli-outage");
        try
        {
            const int count = 1500;
            var file = Path.Combine(folder.FullName, "articles.jsonl");
            var run = Guid.NewGuid().ToString("N");
            await File.WriteAllLinesAsync(file, Enumerable.Range(0, count).Select(i => System.Text.Json.JsonSerializer.Serialize(new
            {
                text = $"Clashes erupted near the town of Jarjanaz on Sunday, report {i} of run {run}. " + new string('x', 2000),
                published = "2019-07-14",
            })));

            var submitting = CliProcess.RunAsync(platform.ProxiedGrpcAddress, null, "submit", file);
            // Break the stream once it is under way, keep the port shut for a moment, then let the retries through.
            (await RabbitQueues.EventuallyAsync(() => Task.FromResult(platform.Grpc.Connections > 0), TimeSpan.FromSeconds(30))).ShouldBeTrue();
            await Task.Delay(300);
            platform.Grpc.Cut();
            await Task.Delay(1500);
            platform.Grpc.Restore();
            var (exitCode, output, errors) = await submitting;

            errors.ShouldContain("retrying in", customMessage: errors);
            exitCode.ShouldBe(0, output + errors);
            var counts = System.Text.RegularExpressions.Regex.Match(output, @"(\d+) ingested, (\d+) duplicates, 0 rejected");
            counts.Success.ShouldBeTrue(output);
            (int.Parse(counts.Groups[1].Value) + int.Parse(counts.Groups[2].Value)).ShouldBe(count, output + errors);
            // Every article is stored: all of them again are duplicates.
            var again = await CliProcess.RunAsync(platform.Ingestion.GrpcAddress, null, "submit", file);
            again.Output.ShouldContain($"0 ingested, {count} duplicates, 0 rejected", customMessage: again.Errors);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_cli_gives_up_after_its_retries_and_says_what_was_not_submitted()
    {
        var folder = Directory.CreateTempSubdirectory("cli-outage");
        try
        {
            var file = Path.Combine(folder.FullName, "articles.jsonl");
            await File.WriteAllLinesAsync(file, Enumerable.Range(0, 5).Select(i =>
                $$"""{"text":"Shelling on Kafranbel, report {{i}} {{Guid.NewGuid():N}}.","published":"2019-07-14"}"""));
            (int ExitCode, string Output, string Errors) result;
            try
            {
                platform.Grpc.Cut();
                result = await CliProcess.RunAsync(platform.ProxiedGrpcAddress, null, "submit", file, "--retries", "2");
            }
            finally
            {
                platform.Grpc.Restore();
            }

            result.ExitCode.ShouldBe(2, result.Output + result.Errors);
            result.Output.ShouldContain("0 ingested, 0 duplicates, 0 rejected, 5 not submitted");
            result.Errors.ShouldContain("gave up after 2 retries: Unavailable");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
