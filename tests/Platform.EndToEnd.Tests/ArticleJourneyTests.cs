using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Grpc.Core;
using Grpc.Health.V1;
using Platform.Ingestion.V1;
using Platform.Query.V1;
using Platform.Testing;
using RabbitMQ.Client;

namespace Platform.EndToEnd.Tests;

/// <summary>Articles walk through the four running services; a user sees only the public APIs.</summary>
public sealed partial class ArticleJourneyTests(RunningPlatform platform) : IClassFixture<RunningPlatform>
{
    private static readonly TimeSpan PipelineTimeout = TimeSpan.FromSeconds(60);

    private static (string Text, string Published) SeedArticle()
    {
        using var document = JsonDocument.Parse(File.ReadLines(RepositoryPaths.GoldDev).First());
        return (document.RootElement.GetProperty("text").GetString()!, document.RootElement.GetProperty("published").GetString()!);
    }

    private async Task<List<Incident>> IncidentsOfAsync(string articleId, TimeSpan timeout)
    {
        var incidents = new List<Incident>();
        await RabbitQueues.EventuallyAsync(async () =>
        {
            var response = await platform.QueryClient.SearchIncidentsAsync(
                new SearchIncidentsRequest { ArticleId = articleId, PageSize = 500 }, deadline: DateTime.UtcNow.AddSeconds(10));
            incidents = [.. response.Incidents];
            return incidents.Count > 0;
        }, timeout);
        return incidents;
    }

    [Fact]
    public async Task Seed_article_becomes_incidents_over_gRPC_and_a_resubmission_creates_nothing_new()
    {
        var (text, published) = SeedArticle();
        var request = new SubmitArticleRequest { Text = text, PublishedOn = published, SourceName = "Orient Net", Language = "ar" };

        var submitted = await platform.IngestionClient.SubmitArticleAsync(request, deadline: DateTime.UtcNow.AddSeconds(30));

        submitted.Duplicate.ShouldBeFalse();
        submitted.Language.ShouldBe("ar");
        var incidents = await IncidentsOfAsync(submitted.ArticleId, PipelineTimeout);
        incidents.ShouldNotBeEmpty(platform.Diagnostics());

        var raid = incidents.Single(i => i.SubEventType == "Armed clash");
        raid.EventType.ShouldBe("Battles");
        raid.Place.GeonameId.ShouldBe(172413);
        raid.Place.Latitude.ShouldBe(35.50603, 1e-4);
        // Each place says which rule chose it and what it was preferred to (Tyre, for الصور).
        raid.Place.Rule.ShouldStartWith("cue:");
        raid.Place.Mention.ShouldBe("الصور");
        raid.Place.RunnersUp.ShouldNotBeEmpty();
        raid.Place.Confidence.ShouldBeGreaterThan(0);
        raid.Fatalities.ShouldBe(1);
        raid.Arrests.ShouldBe(2);
        raid.DateStart.ShouldBe("2020-01-24");
        raid.Actors.Select(a => a.ActorId).ShouldContain("sdf");
        var source = raid.Sources.Single();
        source.ArticleId.ShouldBe(submitted.ArticleId);
        source.SourceName.ShouldBe("Orient Net");
        source.Evidence.Text.ShouldStartWith("إنزال جوي");
        // Offsets are into the stored (normalised) text. The seed prints its headline twice and normalising keeps
        // it once and folds runs of spaces, so the evidence stands that much earlier than in the submission.
        var inSubmission = text.IndexOf(source.Evidence.Text, StringComparison.Ordinal);
        var repeatedHeadline = text.IndexOf('\n', StringComparison.Ordinal) + 2;
        (inSubmission - source.Evidence.Start).ShouldBeInRange(repeatedHeadline - 5, repeatedHeadline + 10);

        var fetched = await platform.QueryClient.GetIncidentAsync(new GetIncidentRequest { IncidentId = raid.IncidentId }, deadline: DateTime.UtcNow.AddSeconds(10));
        fetched.ShouldBe(raid);

        var again = await platform.IngestionClient.SubmitArticleAsync(request, deadline: DateTime.UtcNow.AddSeconds(30));
        again.Duplicate.ShouldBeTrue();
        again.ArticleId.ShouldBe(submitted.ArticleId);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var after = await IncidentsOfAsync(submitted.ArticleId, PipelineTimeout);
        after.Select(i => (i.IncidentId, i.Version)).ShouldBe(incidents.Select(i => (i.IncidentId, i.Version)), ignoreOrder: true);
    }

    [Fact]
    public async Task An_Arabic_and_an_English_report_of_one_shelling_become_one_incident_with_two_sources()
    {
        var arabic = await platform.IngestionClient.SubmitArticleAsync(new SubmitArticleRequest
        {
            Text = "قالت مصادر محلية إن قوات النظام قصفت مدينة سراقب اليوم الثلاثاء ما أسفر عن مقتل ثلاثة مدنيين.",
            PublishedOn = "2020-03-10",
            SourceName = "Arabic desk",
        }, deadline: DateTime.UtcNow.AddSeconds(30));
        (await IncidentsOfAsync(arabic.ArticleId, PipelineTimeout)).ShouldNotBeEmpty(platform.Diagnostics());

        var english = await platform.IngestionClient.SubmitArticleAsync(new SubmitArticleRequest
        {
            Text = "Syrian government forces shelled the town of Saraqib on Tuesday, killing three civilians, a war monitor said.",
            PublishedOn = "2020-03-10",
            SourceName = "English desk",
        }, deadline: DateTime.UtcNow.AddSeconds(30));

        var incident = (await IncidentsOfAsync(english.ArticleId, PipelineTimeout)).ShouldHaveSingleItem(platform.Diagnostics());
        incident.Sources.Select(s => s.Language).ShouldBe(["ar", "en"], ignoreOrder: true);
        incident.Place.GeonameId.ShouldBe(164816);
        incident.Fatalities.ShouldBe(3);
        (await IncidentsOfAsync(arabic.ArticleId, PipelineTimeout)).ShouldHaveSingleItem().IncidentId.ShouldBe(incident.IncidentId);
    }

    private Task<(int ExitCode, string Output, string Errors)> RunCliAsync(params string[] arguments) =>
        CliProcess.RunAsync(platform.Ingestion.GrpcAddress, platform.Query.GrpcAddress, arguments);

    [Fact]
    public async Task The_cli_submits_a_jsonl_file_reporting_bad_lines_and_exports_the_ledger()
    {
        var folder = Directory.CreateTempSubdirectory("cli-e2e");
        try
        {
            var articles = Path.Combine(folder.FullName, "articles.jsonl");
            await File.WriteAllLinesAsync(articles,
            [
                """{"text":"Clashes erupted near the town of Jarjanaz on Sunday.","published":"2019-07-14","source":"Wire"}""",
                """{"html":"<p>اشتباكات قرب بلدة كفرنبل اليوم.</p>","published":"2019-07-14"}""",
                """{"text":"","published":"2019-07-14"}""",
                "",
            ]);

            var submit = await RunCliAsync("submit", articles);

            submit.Output.ShouldContain("2 ingested, 0 duplicates, 1 rejected", customMessage: submit.Errors);
            submit.Errors.ShouldContain("articles.jsonl:3");
            submit.ExitCode.ShouldBe(1);

            var export = Path.Combine(folder.FullName, "events.jsonl");
            var exported = await RabbitQueues.EventuallyAsync(async () =>
            {
                var run = await RunCliAsync("export", "--output", export);
                return run.ExitCode == 0 && File.ReadLines(export).Any(l => l.Contains("Jarjanaz", StringComparison.Ordinal));
            }, PipelineTimeout);
            exported.ShouldBeTrue(platform.Diagnostics());
            var lines = await File.ReadAllLinesAsync(export);
            lines.ShouldAllBe(l => l.Contains("\"position\"", StringComparison.Ordinal) && l.Contains("\"type\"", StringComparison.Ordinal));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_reprocess_command_sends_an_article_through_again_and_the_same_extractor_changes_nothing()
    {
        var submitted = await platform.IngestionClient.SubmitArticleAsync(new SubmitArticleRequest
        {
            Text = "Hundreds of people demonstrated in the city of Manbij on Monday.",
            PublishedOn = "2020-04-14",
        }, deadline: DateTime.UtcNow.AddSeconds(30));
        var before = await IncidentsOfAsync(submitted.ArticleId, PipelineTimeout);
        before.ShouldNotBeEmpty(platform.Diagnostics());

        var (exitCode, output, errors) = await RunCliAsync("reprocess", submitted.ArticleId, "--wait", "5");

        exitCode.ShouldBe(0, errors);
        output.ShouldContain("reprocessing 1 article(s)");
        output.ShouldContain("0 incident(s) revised or retracted");
        var extractionSawItTwice = await RabbitQueues.EventuallyAsync(() => Task.FromResult(
            platform.Extraction.Output.Count(line => line.Contains(submitted.ArticleId, StringComparison.Ordinal)) >= 2), TimeSpan.FromSeconds(20));
        extractionSawItTwice.ShouldBeTrue(platform.Extraction.Tail());
        var after = await IncidentsOfAsync(submitted.ArticleId, PipelineTimeout);
        after.Select(i => (i.IncidentId, i.Version)).ShouldBe(before.Select(i => (i.IncidentId, i.Version)), ignoreOrder: true);
    }

    [Fact]
    public async Task A_reprocess_with_a_changed_lexicon_revises_the_incident_and_an_as_of_read_returns_the_earlier_state()
    {
        var submitted = await platform.IngestionClient.SubmitArticleAsync(new SubmitArticleRequest
        {
            Text = "Fighters of the Manbij Military Council clashed with ISIS fighters near the town of Manbij on Monday.",
            PublishedOn = "2020-04-14",
        }, deadline: DateTime.UtcNow.AddSeconds(30));
        var before = (await IncidentsOfAsync(submitted.ArticleId, PipelineTimeout)).ShouldHaveSingleItem(platform.Diagnostics());
        before.Actors.Select(a => a.ActorId).ShouldBe(["isis"]);
        var knownBefore = DateTime.UtcNow;
        // A data team's edit: the council is an SDF formation. A changed lexicon carries a newer extractor version.
        var lexicons = Directory.CreateTempSubdirectory("platform-lexicon-");
        try
        {
            var builtIn = Path.Combine(RepositoryPaths.Root, "services", "Extraction", "Platform.Extraction.Engine", "Lexicons", "actors.tsv");
            File.WriteAllLines(Path.Combine(lexicons.FullName, "actors.tsv"), File.ReadLines(builtIn).Append("sdf\ten\tManbij Military Council"));
            await platform.RestartExtractionAsync(new Dictionary<string, string>
            {
                ["Extraction__LexiconDirectory"] = lexicons.FullName,
                ["Extraction__Version"] = "extraction-99.0.0",
            });

            var (exitCode, output, errors) = await RunCliAsync("reprocess", submitted.ArticleId, "--wait", "15");

            exitCode.ShouldBe(0, errors);
            output.ShouldContain($"- {before.IncidentId} revised: actors:", Case.Sensitive, platform.Diagnostics());
            output.ShouldContain("1 incident(s) revised or retracted");
            var after = await platform.QueryClient.GetIncidentAsync(new GetIncidentRequest { IncidentId = before.IncidentId });
            after.Actors.Select(a => a.ActorId).ShouldBe(["isis", "sdf"], ignoreOrder: true);
            after.Sources.ShouldHaveSingleItem().ExtractorVersion.ShouldBe("extraction-99.0.0");
            after.Version.ShouldBe(before.Version + 1);
            var asOf = await platform.QueryClient.GetIncidentAsync(new GetIncidentRequest
            {
                IncidentId = before.IncidentId,
                AsOf = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(knownBefore),
            });
            asOf.Actors.Select(a => a.ActorId).ShouldBe(["isis"]);
            asOf.Version.ShouldBe(before.Version);
            var searchedThen = await RunCliAsync("incidents", "--article", submitted.ArticleId, "--as-of", knownBefore.ToString("O"), "--json");
            searchedThen.ExitCode.ShouldBe(0, searchedThen.Errors);
            searchedThen.Output.ShouldContain("\"actorId\": \"isis\"");
            searchedThen.Output.ShouldNotContain("\"actorId\": \"sdf\"");
        }
        finally
        {
            await platform.RestartExtractionAsync();
            lexicons.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_watcher_sees_a_submitted_article_s_incident_arrive()
    {
        using var watching = new CancellationTokenSource(PipelineTimeout);
        using var watch = platform.QueryClient.WatchIncidents(new WatchIncidentsRequest
        {
            FromNow = true,
            Filter = new SearchIncidentsRequest { CountryCode = "SY", EventType = "Protests" },
        }, cancellationToken: watching.Token);
        // The stream is open once the server has read the ledger's end; an article submitted before would be missed.
        await Task.Delay(TimeSpan.FromSeconds(1));

        var submitted = await platform.IngestionClient.SubmitArticleAsync(new SubmitArticleRequest
        {
            Text = $"Hundreds of residents protested in the town of Saraqib on Friday against rising bread prices. Report {Guid.NewGuid():N}.",
            PublishedOn = "2021-06-12",
        }, deadline: DateTime.UtcNow.AddSeconds(30));

        IncidentChange? seen = null;
        while (seen is null && await watch.ResponseStream.MoveNext(watching.Token))
        {
            if (watch.ResponseStream.Current.Incident.Sources.Any(s => s.ArticleId == submitted.ArticleId))
            {
                seen = watch.ResponseStream.Current;
            }
        }
        seen.ShouldNotBeNull(platform.Diagnostics());
        seen.Change.ShouldBe("reported");
        seen.Incident.EventType.ShouldBe("Protests");
        seen.Incident.Place.GeonameId.ShouldBe(164816);
        watching.Cancel();
    }

    [Fact]
    public async Task One_trace_follows_an_article_through_all_four_services()
    {
        var submitted = await platform.IngestionClient.SubmitArticleAsync(new SubmitArticleRequest
        {
            Text = "Syrian government forces shelled the town of Saraqib on Monday, killing two civilians.",
            PublishedOn = "2020-02-04",
        }, deadline: DateTime.UtcNow.AddSeconds(30));
        (await IncidentsOfAsync(submitted.ArticleId, PipelineTimeout)).ShouldNotBeEmpty(platform.Diagnostics());

        var traceIds = new List<string>();
        foreach (var service in platform.Services)
        {
            string? traceId = null;
            await RabbitQueues.EventuallyAsync(() =>
            {
                traceId = service.Output.Where(line => line.Contains(submitted.ArticleId, StringComparison.Ordinal))
                    .Select(line => TraceIdPattern().Match(line)).Where(m => m.Success).Select(m => m.Groups[1].Value).FirstOrDefault();
                return Task.FromResult(traceId is not null);
            }, TimeSpan.FromSeconds(10));
            traceId.ShouldNotBeNull($"{service.Name} logged nothing with a trace id about article {submitted.ArticleId}:\n{service.Tail()}");
            traceIds.Add(traceId);
        }
        traceIds.Distinct().Count().ShouldBe(1, string.Join(", ", traceIds));
    }

    [GeneratedRegex("\"TraceId\":\"([0-9a-f]{32})\"")]
    private static partial Regex TraceIdPattern();

    [Fact]
    public async Task Http_submission_answers_created_then_duplicate_and_rejects_bad_bodies_with_reasons()
    {
        using var http = platform.Ingestion.HttpApi();
        var body = new { text = "Hundreds of people demonstrated in the city of Manbij on Friday.", publishedOn = "2023-08-25", url = "https://example.org/manbij" };

        var created = await http.PostAsJsonAsync("/articles", body);
        var duplicate = await http.PostAsJsonAsync("/articles", body);
        var malformed = await http.PostAsync("/articles", new StringContent("{\"text\": ", Encoding.UTF8, "application/json"));
        var empty = await http.PostAsJsonAsync("/articles", new { text = "  " });
        var undecodable = await http.PostAsync("/articles", new ByteArrayContent([0x7B, 0x22, 0x74, 0x65, 0x78, 0x74, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0xFF, 0x22, 0x7D])
        {
            Headers = { ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") },
        });

        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var createdBody = await created.Content.ReadFromJsonAsync<JsonElement>();
        duplicate.StatusCode.ShouldBe(HttpStatusCode.OK);
        var duplicateBody = await duplicate.Content.ReadFromJsonAsync<JsonElement>();
        duplicateBody.GetProperty("duplicate").GetBoolean().ShouldBeTrue();
        duplicateBody.GetProperty("articleId").GetString().ShouldBe(createdBody.GetProperty("articleId").GetString());
        malformed.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await malformed.Content.ReadAsStringAsync()).ShouldContain("not a JSON article");
        empty.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await empty.Content.ReadAsStringAsync()).ShouldContain("empty");
        undecodable.StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var incidents = await IncidentsOfAsync(createdBody.GetProperty("articleId").GetString()!, PipelineTimeout);
        incidents.ShouldContain(i => i.EventType == "Protests" && i.Place.GeonameId == 167357, platform.Diagnostics());
    }

    [Fact]
    public async Task Submitting_needs_a_token_with_the_submit_scope_over_HTTP_and_gRPC_and_reprocessing_needs_admin()
    {
        var body = new { text = $"Shelling hit the town of Saraqib on Monday ({Guid.NewGuid():N}).", publishedOn = "2021-03-02" };
        var expiredToken = Platform.Cli.AccessTokens.Create(TestSecurity.SigningKey, ["submit"], TimeSpan.FromMinutes(5), now: DateTime.UtcNow.AddHours(-1));
        using var anonymous = platform.Ingestion.HttpApi(token: "");
        using var expired = platform.Ingestion.HttpApi(expiredToken);
        using var reader = platform.Ingestion.HttpApi(TestSecurity.Token("read"));
        using var submitter = platform.Ingestion.HttpApi(TestSecurity.Token("submit"));

        var withoutToken = await anonymous.PostAsJsonAsync("/articles", body);
        var withExpiredToken = await expired.PostAsJsonAsync("/articles", body);
        var withReadScope = await reader.PostAsJsonAsync("/articles", body);
        var withSubmitScope = await submitter.PostAsJsonAsync("/articles", body);

        withoutToken.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        withoutToken.Headers.WwwAuthenticate.ToString().ShouldStartWith("Bearer");
        withExpiredToken.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        withExpiredToken.Headers.WwwAuthenticate.ToString().ShouldContain("expired");
        withReadScope.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        withSubmitScope.StatusCode.ShouldBe(HttpStatusCode.Created);
        var articleId = (await withSubmitScope.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("articleId").GetString();

        async Task<StatusCode> GrpcStatusAsync(string? token, Func<ArticleIngestion.ArticleIngestionClient, Task> call)
        {
            using var channel = Platform.Cli.AccessTokens.Channel(platform.Ingestion.GrpcAddress, token);
            try
            {
                await call(new ArticleIngestion.ArticleIngestionClient(channel));
                return StatusCode.OK;
            }
            catch (RpcException e)
            {
                return e.StatusCode;
            }
        }
        Task Submit(ArticleIngestion.ArticleIngestionClient client) => client.SubmitArticleAsync(
            new SubmitArticleRequest { Text = $"Clashes near Jarjanaz ({Guid.NewGuid():N}).", PublishedOn = "2021-03-02" }, deadline: DateTime.UtcNow.AddSeconds(30)).ResponseAsync;
        Task Reprocess(ArticleIngestion.ArticleIngestionClient client) => client.ReprocessArticlesAsync(
            new ReprocessArticlesRequest { ArticleIds = { articleId } }, deadline: DateTime.UtcNow.AddSeconds(30)).ResponseAsync;
        (await GrpcStatusAsync(null, Submit)).ShouldBe(StatusCode.Unauthenticated);
        (await GrpcStatusAsync(expiredToken, Submit)).ShouldBe(StatusCode.Unauthenticated);
        (await GrpcStatusAsync(TestSecurity.Token("read", "admin"), Submit)).ShouldBe(StatusCode.PermissionDenied);
        (await GrpcStatusAsync(TestSecurity.Token("submit"), Submit)).ShouldBe(StatusCode.OK);
        (await GrpcStatusAsync(TestSecurity.Token("submit", "read"), Reprocess)).ShouldBe(StatusCode.PermissionDenied);
        (await GrpcStatusAsync(TestSecurity.Token("admin"), Reprocess)).ShouldBe(StatusCode.OK);
    }

    [Fact]
    public async Task The_cli_mints_a_token_sends_it_and_says_what_is_missing_without_one()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("cli-token").FullName, "article.txt");
        await File.WriteAllTextAsync(file, $"Protesters gathered in the city of Idlib on Friday ({Guid.NewGuid():N}).");

        var refused = await CliProcess.RunWithTokenAsync("", platform.Ingestion.GrpcAddress, null, "submit", file, "--published", "2021-03-05");
        var minted = await CliProcess.RunWithTokenAsync("", platform.Ingestion.GrpcAddress, null, "token", "--scopes", "submit", "--key", TestSecurity.SigningKey);
        var accepted = await CliProcess.RunWithTokenAsync(minted.Output.Trim(), platform.Ingestion.GrpcAddress, null, "submit", file, "--published", "2021-03-05");

        refused.ExitCode.ShouldNotBe(0);
        refused.Errors.ShouldContain("Unauthenticated");
        refused.Errors.ShouldContain("PLATFORM_TOKEN");
        minted.ExitCode.ShouldBe(0, minted.Errors);
        accepted.ExitCode.ShouldBe(0, accepted.Errors);
        accepted.Output.ShouldStartWith("ingested");
    }

    [Fact]
    public async Task Bad_requests_get_clear_gRPC_status_codes()
    {
        var empty = await Should.ThrowAsync<RpcException>(platform.IngestionClient.SubmitArticleAsync(new SubmitArticleRequest { Text = "" }).ResponseAsync);
        var badId = await Should.ThrowAsync<RpcException>(platform.QueryClient.GetIncidentAsync(new GetIncidentRequest { IncidentId = "nope" }).ResponseAsync);
        var unknown = await Should.ThrowAsync<RpcException>(platform.QueryClient.GetIncidentAsync(new GetIncidentRequest { IncidentId = Guid.NewGuid().ToString() }).ResponseAsync);
        var pageSize = await Should.ThrowAsync<RpcException>(platform.QueryClient.SearchIncidentsAsync(new SearchIncidentsRequest { PageSize = 100_000 }).ResponseAsync);

        empty.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        empty.Status.Detail.ShouldContain("empty");
        badId.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        unknown.StatusCode.ShouldBe(StatusCode.NotFound);
        pageSize.StatusCode.ShouldBe(StatusCode.InvalidArgument);
    }

    [Theory]
    [InlineData("SubmitArticles")]
    [InlineData("SubmitArticle")]
    public async Task A_request_that_is_not_protobuf_answers_INVALID_ARGUMENT_in_one_log_line(string method)
    {
        using var http = new HttpClient();
        // One gRPC frame (uncompressed, 4-byte big-endian length) whose payload is a field with an impossible wire type.
        byte[] garbage = [0x0F, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F];
        var frame = new byte[5 + garbage.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1), garbage.Length);
        garbage.CopyTo(frame, 5);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(platform.Ingestion.GrpcAddress, "/platform.ingestion.v1.ArticleIngestion/" + method))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(frame) { Headers = { ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc") } },
        };
        request.Headers.TE.ParseAdd("trailers");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestSecurity.AllScopes);
        var before = platform.Ingestion.Output.Count;

        using var response = await http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();

        var status = response.TrailingHeaders.TryGetValues("grpc-status", out var values) ? values.Single()
            : response.Headers.TryGetValues("grpc-status", out var inHeaders) ? inHeaders.Single()
            : $"none: HTTP {(int)response.StatusCode} {response.Headers} {response.TrailingHeaders}\n{platform.Ingestion.Tail(20)}";
        status.ShouldBe(((int)StatusCode.InvalidArgument).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Task.Delay(500);
        var logged = platform.Ingestion.Output.Skip(before).ToList();
        logged.ShouldContain(line => line.Contains("not valid protobuf", StringComparison.Ordinal));
        logged.ShouldNotContain(line => line.Contains("\"LogLevel\":\"Error\"", StringComparison.Ordinal), string.Join('\n', logged));
    }

    [Fact]
    public async Task Every_service_answers_the_gRPC_health_check()
    {
        foreach (var service in platform.Services)
        {
            var health = new Health.HealthClient(platform.Channel(service));
            var response = await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(10));
            response.Status.ShouldBe(HealthCheckResponse.Types.ServingStatus.Serving, service.Name);
        }
    }

    [Fact]
    public async Task Poison_messages_land_in_the_error_queue_with_a_reason_and_the_service_goes_on()
    {
        const string queue = "extraction-article-ingested";
        var factory = new ConnectionFactory { Uri = platform.Infrastructure.RabbitMq };
        await using (var connection = await factory.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            var properties = new BasicProperties { ContentType = "application/vnd.masstransit+json", MessageId = Guid.NewGuid().ToString() };
            await channel.BasicPublishAsync("", queue, false, properties, Encoding.UTF8.GetBytes("{ this is not json"));
            var emptyArticle = $$$"""
                {"messageId":"{{{Guid.NewGuid()}}}","messageType":["urn:message:Platform.Contracts:ArticleIngested"],
                 "message":{"articleId":"{{{Guid.NewGuid()}}}","contentHash":"x","language":"ar","title":"","text":"",
                            "publishedOn":"2020-01-24","ingestedAt":"2020-01-24T00:00:00Z"}}
                """;
            await channel.BasicPublishAsync("", queue, false, properties, Encoding.UTF8.GetBytes(emptyArticle));
        }

        IReadOnlyList<RabbitQueues.QueuedMessage> errors = [];
        var arrived = await RabbitQueues.EventuallyAsync(async () =>
        {
            errors = await RabbitQueues.PeekAsync(platform.Infrastructure.VirtualHost, queue + "_error");
            return errors.Count >= 2;
        }, PipelineTimeout);

        arrived.ShouldBeTrue($"error queue holds {errors.Count} messages\n{platform.Diagnostics()}");
        errors.ShouldAllBe(e => e.Headers.ContainsKey("MT-Reason"));
        errors.ShouldContain(e => e.Headers.ContainsKey("MT-Fault-Message") && e.Headers["MT-Fault-Message"].Contains("non-empty Text"));
        errors.ShouldContain(e => e.Payload.Contains("this is not json"));
        platform.Extraction.HasExited.ShouldBeFalse();

        var submitted = await platform.IngestionClient.SubmitArticleAsync(new SubmitArticleRequest
        {
            Text = "قصفت قوات النظام مدينة سراقب اليوم الاثنين.",
            PublishedOn = "2020-02-03",
        }, deadline: DateTime.UtcNow.AddSeconds(30));
        (await IncidentsOfAsync(submitted.ArticleId, PipelineTimeout)).ShouldNotBeEmpty(platform.Diagnostics());
    }
}
