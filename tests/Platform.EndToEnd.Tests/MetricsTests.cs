using System.Net.Http.Json;
using System.Text;
using Platform.Ingestion.V1;
using Platform.Query.V1;
using Platform.Testing;
using RabbitMQ.Client;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// What an operator reads off the four services' <c>/metrics</c> after articles walk through: every domain instrument
/// counts exactly what happened. A platform of its own, so no other test's articles are in the counts.
/// </summary>
public sealed class MetricsTests(MetricsTests.Platform platform) : IClassFixture<MetricsTests.Platform>
{
    /// <summary>The four services, with the outbox lag read every 200 ms so the gauge settles within the test.</summary>
    public sealed class Platform() : RunningPlatform(new Dictionary<string, string> { ["Ingestion__OutboxLagInterval"] = "00:00:00.200" });

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Each_service_counts_what_its_stage_did_to_the_articles_that_walked_through()
    {
        var published = new[] { "2020-02-03", "2021-07-14", "2019-11-20" };
        var texts = new[]
        {
            "قصفت قوات النظام مدينة سراقب اليوم الاثنين ما أدى إلى مقتل ثلاثة مدنيين.",
            "Clashes erupted between the SDF and ISIS fighters near the town of Hajin on Wednesday.",
            "A car bomb exploded in the city of Azaz, killing four people, a monitor said.",
        };
        var ids = new List<string>();
        for (var i = 0; i < texts.Length; i++)
        {
            var accepted = await platform.IngestionClient.SubmitArticleAsync(
                new SubmitArticleRequest { Text = texts[i], PublishedOn = published[i] }, deadline: DateTime.UtcNow.AddSeconds(30));
            ids.Add(accepted.ArticleId);
        }
        (await platform.IngestionClient.SubmitArticleAsync(new SubmitArticleRequest { Text = texts[0], PublishedOn = published[0] },
            deadline: DateTime.UtcNow.AddSeconds(30))).Duplicate.ShouldBeTrue();
        using (var http = platform.Ingestion.HttpApi(TestSecurity.AllScopes))
        {
            (await http.PostAsJsonAsync("/articles", new { text = "" })).StatusCode.ShouldBe(System.Net.HttpStatusCode.BadRequest);
            (await http.PostAsJsonAsync("/articles", new { text = "Shelling in Idlib.", publishedOn = "03/02/2020" }))
                .StatusCode.ShouldBe(System.Net.HttpStatusCode.BadRequest);
        }
        await PublishPoisonAsync("geocoding-incidents-extracted");

        var incidents = new List<Incident>();
        (await RabbitQueues.EventuallyAsync(async () =>
        {
            incidents = [];
            foreach (var id in ids)
            {
                var found = await platform.QueryClient.SearchIncidentsAsync(new SearchIncidentsRequest { ArticleId = id, PageSize = 100 },
                    deadline: DateTime.UtcNow.AddSeconds(10));
                incidents.AddRange(found.Incidents);
            }
            return ids.All(id => incidents.Any(i => i.Sources.Any(s => s.ArticleId == id)));
        }, Timeout)).ShouldBeTrue(platform.Diagnostics());

        // The counters are read once the ledger has the last article; the scrape repeats until the instruments settle
        // (the exporter caches a scrape for a moment, the lag gauge is read on a timer).
        PrometheusScrape ingestion = null!, extraction = null!, geocoding = null!, query = null!;
        var settled = await RabbitQueues.EventuallyAsync(async () =>
        {
            ingestion = await PrometheusScrape.FetchAsync(platform.Ingestion.ManagementAddress);
            extraction = await PrometheusScrape.FetchAsync(platform.Extraction.ManagementAddress);
            geocoding = await PrometheusScrape.FetchAsync(platform.Geocoding.ManagementAddress);
            query = await PrometheusScrape.FetchAsync(platform.Query.ManagementAddress);
            return query.Sum("platform_pipeline_latency_seconds_count") == texts.Length
                && geocoding.Sum("platform_messaging_error_queue_messages_total") == 1
                && ingestion.Has("platform_outbox_lag") && ingestion.Sum("platform_outbox_lag") == 0;
        }, Timeout);
        settled.ShouldBeTrue(platform.Diagnostics());

        // Ingestion: six submissions, three new, one duplicate, two refused by the rule they broke.
        ingestion.Sum("platform_ingestion_articles_received_total").ShouldBe(6);
        ingestion.Sum("platform_ingestion_articles_ingested_total").ShouldBe(3);
        ingestion.Sum("platform_ingestion_articles_duplicate_total").ShouldBe(1);
        ingestion.By("platform_ingestion_articles_rejected_total", "platform_rejection_reason")
            .ShouldBe(new Dictionary<string, double> { ["empty"] = 1, ["invalid_date"] = 1 }, ignoreOrder: true);
        ingestion.Sum("platform_outbox_published_total").ShouldBe(3);
        ingestion.Sum("platform_outbox_lag_age_seconds").ShouldBe(0);
        ingestion.Sum("platform_stage_duration_seconds_count", ("platform_stage", "ingestion")).ShouldBe(6);

        // Extraction read the three articles; what it found by type is what the ledger shows by type.
        extraction.By("platform_extraction_articles_total", "platform_language")
            .ShouldBe(new Dictionary<string, double> { ["ar"] = 1, ["en"] = 2 }, ignoreOrder: true);
        var byType = incidents.GroupBy(i => i.EventType).ToDictionary(g => g.Key, g => (double)g.Count());
        extraction.By("platform_extraction_incidents_total", "platform_event_type").ShouldBe(byType, ignoreOrder: true);
        extraction.Sum("platform_stage_duration_seconds_count", ("platform_stage", "extraction")).ShouldBe(3);

        // Geocoding: each incident's place by precision, as the ledger recorded it; the poison message went to its
        // error queue, counted once with its queue and the exception's type.
        var byPrecision = incidents.GroupBy(i => i.Place is { Name.Length: > 0 } place ? place.Precision.ToString(System.Globalization.CultureInfo.InvariantCulture) : "unresolved")
            .ToDictionary(g => g.Key, g => (double)g.Count());
        geocoding.By("platform_geocoding_places_total", "platform_precision").ShouldBe(byPrecision, ignoreOrder: true);
        geocoding.Samples.ShouldContain(s => s.Name == "platform_messaging_error_queue_messages_total"
            && s.Labels["messaging_destination_name"] == "geocoding-incidents-extracted" && s.Value == 1);
        geocoding.Sum("platform_stage_duration_seconds_count", ("platform_stage", "geocoding")).ShouldBe(3);

        // Query: every incident was new (three unrelated articles), and each article's latency was measured once.
        query.By("platform_ledger_reports_total", "platform_report_outcome")
            .ShouldBe(new Dictionary<string, double> { ["new"] = incidents.Count }, ignoreOrder: true);
        query.Sum("platform_pipeline_latency_seconds_sum").ShouldBeInRange(0.001, texts.Length * Timeout.TotalSeconds);
        query.Sum("platform_pipeline_latency_seconds_bucket", ("le", "+Inf")).ShouldBe(texts.Length);
        query.Sum("platform_stage_duration_seconds_count", ("platform_stage", "ledger")).ShouldBe(3);
        // The other services' error queues stayed empty, and so did their counters.
        foreach (var scrape in new[] { ingestion, extraction, query })
        {
            scrape.Sum("platform_messaging_error_queue_messages_total").ShouldBe(0);
        }
    }

    private async Task PublishPoisonAsync(string queue)
    {
        var factory = new ConnectionFactory { Uri = platform.Infrastructure.RabbitMq };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var properties = new BasicProperties { ContentType = "application/vnd.masstransit+json", MessageId = Guid.NewGuid().ToString() };
        await channel.BasicPublishAsync("", queue, false, properties, Encoding.UTF8.GetBytes("{ not json at all"));
    }
}
