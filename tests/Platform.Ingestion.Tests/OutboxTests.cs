using System.Threading.Channels;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Ingestion.Articles;
using Platform.Testing;
using Contract = Platform.Contracts;

namespace Platform.Ingestion.Tests;

/// <summary>
/// Ingestion on real PostgreSQL and RabbitMQ: articles land on their Marten streams once, and the Marten
/// subscription (the outbox) publishes each stored article to the bus.
/// </summary>
public sealed class OutboxTests : IAsyncLifetime
{
    private readonly IsolatedInfrastructure _infrastructure = new();
    private readonly Channel<ConsumeContext<Contract.ArticleIngested>> _received = Channel.CreateUnbounded<ConsumeContext<Contract.ArticleIngested>>();
    private IHost? _ingestion;
    private IBusControl? _listener;

    public async Task InitializeAsync()
    {
        await _infrastructure.InitializeAsync();

        // A separate bus plays the part of Extraction: it binds its own queue to the ArticleIngested exchange.
        _listener = Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            rabbit.Host(_infrastructure.RabbitMq);
            rabbit.ReceiveEndpoint("test-listener", endpoint =>
                endpoint.Handler<Contract.ArticleIngested>(context => _received.Writer.WriteAsync(context).AsTask()));
        });
        await _listener.StartAsync();

        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = _infrastructure.Postgres,
            ["ConnectionStrings:RabbitMq"] = _infrastructure.RabbitMq.ToString(),
            ["Marten:Schema"] = _infrastructure.NewSchema("ingestion"),
            ["Auth:Jwt:SigningKey"] = TestSecurity.SigningKey,
        });
        builder.AddIngestion();
        _ingestion = builder.Build();
        await _ingestion.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_ingestion is not null)
        {
            await _ingestion.StopAsync();
            _ingestion.Dispose();
        }
        if (_listener is not null)
        {
            await _listener.StopAsync();
        }
        await _infrastructure.DisposeAsync();
    }

    [Fact]
    public async Task A_stored_article_is_published_once_and_a_resubmission_is_a_duplicate()
    {
        var handler = _ingestion!.Services.GetRequiredService<SubmitArticleHandler>();
        var command = new SubmitArticle(
            "Clashes erupted near the village of Jarjanaz on Saturday.\nFour soldiers were killed.",
            null, "Clashes near Jarjanaz", "https://example.org/a", "Example News", null, "2019-06-15");

        var first = await handler.HandleAsync(command, CancellationToken.None);
        var second = await handler.HandleAsync(command with { Url = "https://mirror.example.org/a", Title = "Other title" }, CancellationToken.None);

        first.Duplicate.ShouldBeFalse();
        second.Duplicate.ShouldBeTrue();
        second.ArticleId.ShouldBe(first.ArticleId);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var published = await _received.Reader.ReadAsync(timeout.Token);
        published.Message.ArticleId.ShouldBe(first.ArticleId);
        published.Message.Language.ShouldBe("en");
        published.Message.PublishedOn.ShouldBe(new DateOnly(2019, 6, 15));
        published.Message.Url.ShouldBe("https://example.org/a");
        published.Message.Title.ShouldBe("Clashes near Jarjanaz");
        published.Message.Text.ShouldStartWith("Clashes erupted near the village of Jarjanaz");

        // The duplicate stored nothing, so nothing more is published.
        using var quiet = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        await Should.ThrowAsync<OperationCanceledException>(async () => await _received.Reader.ReadAsync(quiet.Token));
    }

    [Fact]
    public async Task A_batch_stores_each_new_article_once_answers_duplicates_and_rejects_bad_ones_by_position()
    {
        var handler = _ingestion!.Services.GetRequiredService<SubmitArticleHandler>();
        var earlier = new SubmitArticle("Residents of Kafranbel protested on Friday against the shelling.", null, null, null, null, null, "2019-06-14");
        var stored = await handler.HandleAsync(earlier, CancellationToken.None);
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            (await _received.Reader.ReadAsync(timeout.Token)).Message.ArticleId.ShouldBe(stored.ArticleId);
        }
        var first = new SubmitArticle("Clashes erupted near the village of Jarjanaz on Saturday.", null, null, null, null, null, "2019-06-15");
        var second = new SubmitArticle("قصفت قوات النظام بلدة سراقب يوم السبت.", null, null, null, null, null, "2019-06-15");

        var outcomes = await handler.HandleBatchAsync(
            [first, new SubmitArticle("", null, null, null, null, null, null), first with { Title = "again" }, second, earlier, second with { PublishedOn = "15/06/2019" }],
            CancellationToken.None);

        outcomes.Select(o => (o.Accepted?.Duplicate, o.Rejection is null)).ShouldBe(
            [(false, true), (null, false), (true, true), (false, true), (true, true), (null, false)]);
        outcomes[1].Rejection.ShouldNotBeNull().ShouldContain("empty");
        outcomes[5].Rejection.ShouldNotBeNull().ShouldContain("YYYY-MM-DD");
        outcomes[2].Accepted!.ArticleId.ShouldBe(outcomes[0].Accepted!.ArticleId);
        outcomes[4].Accepted!.ArticleId.ShouldBe(stored.ArticleId);

        // The two new articles are published, once each, and nothing else.
        var published = new List<Guid>();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            published.Add((await _received.Reader.ReadAsync(timeout.Token)).Message.ArticleId);
            published.Add((await _received.Reader.ReadAsync(timeout.Token)).Message.ArticleId);
        }
        published.ShouldBe([outcomes[0].Accepted!.ArticleId, outcomes[3].Accepted!.ArticleId], ignoreOrder: true);
        using var quiet = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        await Should.ThrowAsync<OperationCanceledException>(async () => await _received.Reader.ReadAsync(quiet.Token));
    }

    [Fact]
    public async Task Reprocessing_sends_stored_articles_through_the_outbox_again()
    {
        var handler = _ingestion!.Services.GetRequiredService<SubmitArticleHandler>();
        var reprocess = _ingestion.Services.GetRequiredService<ReprocessArticlesHandler>();
        var old = await handler.HandleAsync(new SubmitArticle("Clashes near the town of Saraqib.", null, null, null, null, "en", "2019-05-01"), CancellationToken.None);
        var recent = await handler.HandleAsync(new SubmitArticle("Clashes near the town of Manbij.", null, null, null, null, "en", "2020-05-01"), CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var first = new[] { await _received.Reader.ReadAsync(timeout.Token), await _received.Reader.ReadAsync(timeout.Token) };

        var byId = await reprocess.HandleAsync(new ReprocessArticlesHandler.Selection([old.ArticleId], null, null, false), CancellationToken.None);
        var again = await _received.Reader.ReadAsync(timeout.Token);
        var byDate = await reprocess.HandleAsync(new ReprocessArticlesHandler.Selection([], new DateOnly(2020, 1, 1), null, false), CancellationToken.None);
        var third = await _received.Reader.ReadAsync(timeout.Token);

        first.Select(m => m.Message.ArticleId).ShouldBe([old.ArticleId, recent.ArticleId], ignoreOrder: true);
        byId.ShouldBe([old.ArticleId]);
        again.Message.ArticleId.ShouldBe(old.ArticleId);
        again.Message.Text.ShouldBe("Clashes near the town of Saraqib.");
        again.MessageId.ShouldNotBe(first.Single(m => m.Message.ArticleId == old.ArticleId).MessageId);
        byDate.ShouldBe([recent.ArticleId]);
        third.Message.ArticleId.ShouldBe(recent.ArticleId);
        await Should.ThrowAsync<ArticleRejectedException>(() =>
            reprocess.HandleAsync(new ReprocessArticlesHandler.Selection([Guid.NewGuid()], null, null, false), CancellationToken.None));
        await Should.ThrowAsync<ArticleRejectedException>(() =>
            reprocess.HandleAsync(new ReprocessArticlesHandler.Selection([], null, null, false), CancellationToken.None));
    }

    [Fact]
    public async Task Concurrent_submissions_of_the_same_article_store_it_once()
    {
        var handler = _ingestion!.Services.GetRequiredService<SubmitArticleHandler>();
        var command = new SubmitArticle("تظاهر مئات في مدينة السويداء اليوم الجمعة.", null, null, null, null, null, "2023-08-25");

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => handler.HandleAsync(command, CancellationToken.None)));

        results.Select(r => r.ArticleId).Distinct().Count().ShouldBe(1);
        results.Count(r => !r.Duplicate).ShouldBe(1);
    }
}
