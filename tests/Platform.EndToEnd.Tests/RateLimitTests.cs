using System.Net;
using System.Net.Http.Json;
using Grpc.Core;
using Platform.Cli;
using Platform.Ingestion.V1;
using Platform.Testing;

namespace Platform.EndToEnd.Tests;

/// <summary>Ingestion with small budgets: 1 submission request per second per caller, bursts of 3, 5 articles per stream.</summary>
public sealed class ThrottledIngestion : IAsyncLifetime
{
    public IsolatedInfrastructure Infrastructure { get; } = new();
    public ServiceProcess Ingestion { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Infrastructure.InitializeAsync();
        Ingestion = ServiceProcess.StartIngestion(Infrastructure.Postgres, Infrastructure.RabbitMq, Infrastructure.NewSchema("ingestion"), new Dictionary<string, string>
        {
            ["RateLimits__SubmitPerSecond"] = "1",
            ["RateLimits__SubmitBurst"] = "3",
            ["Ingestion__MaxArticlesPerStream"] = "5",
        });
        await Ingestion.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
    }

    public async Task DisposeAsync()
    {
        await Ingestion.DisposeAsync();
        await Infrastructure.DisposeAsync();
    }
}

public sealed class RateLimitTests(ThrottledIngestion platform) : IClassFixture<ThrottledIngestion>
{
    private static SubmitArticleRequest Article() => new() { Text = $"Shelling hit the town of Saraqib on Monday ({Guid.NewGuid():N}).", PublishedOn = "2021-03-02" };

    [Fact]
    public async Task A_caller_over_its_budget_gets_RESOURCE_EXHAUSTED_or_429_with_a_retry_hint_and_others_are_not_held_up()
    {
        var token = AccessTokens.Create(TestSecurity.SigningKey, ["submit"], TimeSpan.FromHours(1), subject: "busy-" + Guid.NewGuid().ToString("N"));
        using var channel = AccessTokens.Channel(platform.Ingestion.GrpcAddress, token);
        var client = new ArticleIngestion.ArticleIngestionClient(channel);
        // Ten at once: three fit in the burst (one more may have dripped in), the rest are refused.
        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
        {
            try
            {
                await client.SubmitArticleAsync(Article(), deadline: DateTime.UtcNow.AddSeconds(30));
                return null;
            }
            catch (RpcException e)
            {
                return e;
            }
        }));
        var refusals = answers.OfType<RpcException>().ToList();
        refusals.Count.ShouldBeGreaterThanOrEqualTo(5);
        var refused = refusals[0];
        using var http = platform.Ingestion.HttpApi(token);
        var httpAnswers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => http.PostAsJsonAsync("/articles", new { text = Article().Text, publishedOn = "2021-03-02" })));
        var other = AccessTokens.Create(TestSecurity.SigningKey, ["submit"], TimeSpan.FromHours(1), subject: "quiet-" + Guid.NewGuid().ToString("N"));
        using var otherChannel = AccessTokens.Channel(platform.Ingestion.GrpcAddress, other);
        var otherAnswer = await new ArticleIngestion.ArticleIngestionClient(otherChannel).SubmitArticleAsync(Article(), deadline: DateTime.UtcNow.AddSeconds(30));

        refusals.ShouldAllBe(e => e.StatusCode == StatusCode.ResourceExhausted);
        refused.Status.Detail.ShouldContain("retry after");
        refused.Trailers.GetValue("retry-after").ShouldNotBeNull();
        httpAnswers.Count(a => a.StatusCode == HttpStatusCode.TooManyRequests).ShouldBeGreaterThanOrEqualTo(3);
        var refusedHttp = httpAnswers.First(a => a.StatusCode == HttpStatusCode.TooManyRequests);
        refusedHttp.Headers.RetryAfter.ShouldNotBeNull();
        (await refusedHttp.Content.ReadAsStringAsync()).ShouldContain("per caller");
        otherAnswer.ArticleId.ShouldNotBeNullOrEmpty();

        // The bucket refills: after the hinted wait the caller is served again.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        (await client.SubmitArticleAsync(Article(), deadline: DateTime.UtcNow.AddSeconds(30))).ArticleId.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task A_stream_longer_than_the_limit_gets_the_first_articles_answered_then_RESOURCE_EXHAUSTED()
    {
        var token = AccessTokens.Create(TestSecurity.SigningKey, ["submit"], TimeSpan.FromHours(1), subject: "bulk-" + Guid.NewGuid().ToString("N"));
        using var channel = AccessTokens.Channel(platform.Ingestion.GrpcAddress, token);
        using var call = new ArticleIngestion.ArticleIngestionClient(channel).SubmitArticles(deadline: DateTime.UtcNow.AddSeconds(60));
        var writing = Task.Run(async () =>
        {
            try
            {
                for (var i = 0; i < 8; i++)
                {
                    await call.RequestStream.WriteAsync(Article());
                }
                await call.RequestStream.CompleteAsync();
            }
            catch (RpcException)
            {
                // The server ended the call: the rest cannot be written.
            }
        });
        var answered = new List<long>();
        var ended = await Should.ThrowAsync<RpcException>(async () =>
        {
            await foreach (var result in call.ResponseStream.ReadAllAsync())
            {
                answered.Add(result.Index);
            }
        });
        await writing;

        answered.ShouldBe([0, 1, 2, 3, 4]);
        ended.StatusCode.ShouldBe(StatusCode.ResourceExhausted);
        ended.Status.Detail.ShouldContain("at most 5 articles");
    }
}
