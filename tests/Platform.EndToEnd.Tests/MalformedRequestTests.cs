using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using Platform.Ingestion.V1;
using Platform.Testing;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// Every malformed request shape a client can send answers 400 (413 or 415 where HTTP has a code of its own) or
/// INVALID_ARGUMENT with a reason, and nothing the service logs as an error: a bad request is never a 500.
/// </summary>
public sealed class MalformedRequestTests(IngestionAlone platform) : IClassFixture<IngestionAlone>
{
    private HttpClient Http() => platform.Ingestion.HttpApi(timeout: TimeSpan.FromSeconds(60));

    private static ByteArrayContent Json(byte[] body) => new(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };

    private static string Unique() => Guid.NewGuid().ToString("N");

    public static TheoryData<string, string> MalformedJson => new()
    {
        { "number for the text", """{"text": 42}""" },
        { "object for the text", """{"text": {"body": "Shelling on Saraqib."}}""" },
        { "array for the html", """{"html": ["<p>Shelling</p>"]}""" },
        { "boolean for the title", """{"text": "Shelling on Saraqib.", "title": true}""" },
        { "number for the date", """{"text": "Shelling on Saraqib.", "publishedOn": 20200124}""" },
        { "array at the root", """[{"text": "Shelling on Saraqib."}]""" },
        { "string at the root", "\"Shelling on Saraqib.\"" },
        { "number at the root", "42" },
        { "null at the root", "null" },
        { "empty object", "{}" },
        { "null fields", """{"text": null, "html": null, "title": null, "language": null, "publishedOn": null}""" },
        { "blank text", """{"text": " \t\n "}""" },
        { "text and html", """{"text": "Shelling on Saraqib.", "html": "<p>Shelling on Saraqib.</p>"}""" },
        { "truncated", """{"text": "Shelling on """ },
        { "unquoted names", """{text: "Shelling on Saraqib."}""" },
        { "trailing comma", """{"text": "Shelling on Saraqib.",}""" },
        { "garbage after the object", """{"text": "Shelling on Saraqib."} trailing""" },
        { "lone surrogate escape", """{"text": "Shelling \ud800 on Saraqib."}""" },
        { "NUL escape only", """{"text": "\u0000\u0000"}""" },
        { "nested 10,000 deep", new string('[', 10_000) + new string(']', 10_000) },
        { "year 0", """{"text": "Shelling on Saraqib.", "publishedOn": "0000-01-01"}""" },
        { "year 1", """{"text": "Shelling on Saraqib.", "publishedOn": "0001-01-01T00:00:00+14:00"}""" },
        { "last instant of 9999", """{"text": "Shelling on Saraqib.", "publishedOn": "9999-12-31T23:59:59Z"}""" },
        { "past 9999 in UTC", """{"text": "Shelling on Saraqib.", "publishedOn": "9999-12-31T23:59:59-14:00"}""" },
        { "year 10000", """{"text": "Shelling on Saraqib.", "publishedOn": "10000-01-01"}""" },
        { "far future", """{"text": "Shelling on Saraqib.", "publishedOn": "2999-06-01"}""" },
        { "impossible day", """{"text": "Shelling on Saraqib.", "publishedOn": "2020-02-30"}""" },
        { "unparsable date", """{"text": "Shelling on Saraqib.", "publishedOn": "last Friday"}""" },
        { "unknown language", """{"text": "Shelling on Saraqib.", "language": "fr"}""" },
        { "language code with a NUL", """{"text": "Shelling on Saraqib.", "language": "e\u0000n"}""" },
        { "control character in the url", """{"text": "Shelling on Saraqib.", "url": "https://example.org/a\u0000b"}""" },
        { "html nested 100,000 deep", JsonSerializer.Serialize(new { html = string.Concat(Enumerable.Repeat("<div>", 100_000)) + "Shelling" }) },
    };

    [Theory]
    [MemberData(nameof(MalformedJson))]
    public async Task Malformed_json_articles_answer_400_with_a_reason(string shape, string body)
    {
        await ShouldBeProblemAsync(http => http.PostAsync("/articles", new StringContent(body, Encoding.UTF8, "application/json")),
            HttpStatusCode.BadRequest, shape);
    }

    public static TheoryData<string, byte[]> UndecodableBodies => new()
    {
        { "invalid continuation byte", [.. "{\"text\": \"Shelling "u8, 0xC3, 0x28, .. " on Saraqib.\"}"u8] },
        { "0xFF byte", [.. "{\"text\": \""u8, 0xFF, 0xFE, 0xFD, .. "\"}"u8] },
        { "overlong encoding of '/'", [.. "{\"text\": \"a"u8, 0xC0, 0xAF, .. "\"}"u8] },
        { "UTF-8 encoded surrogate", [.. "{\"text\": \"a"u8, 0xED, 0xA0, 0x80, .. "\"}"u8] },
        { "truncated sequence at the end", [.. "{\"text\": \"a\"}"u8, 0xE2, 0x82] },
        { "UTF-16 with a byte order mark", [0xFF, 0xFE, .. Encoding.Unicode.GetBytes("{\"text\": \"Shelling on Saraqib.\"}")] },
    };

    [Theory]
    [MemberData(nameof(UndecodableBodies))]
    public async Task Bodies_that_are_not_UTF_8_answer_400_with_a_reason(string shape, byte[] body)
    {
        await ShouldBeProblemAsync(http => http.PostAsync("/articles", Json(body)), HttpStatusCode.BadRequest, shape);
    }

    [Fact]
    public async Task An_empty_body_answers_400_and_a_wrong_content_type_415_each_with_a_reason()
    {
        await ShouldBeProblemAsync(http => http.PostAsync("/articles", Json([])), HttpStatusCode.BadRequest, "empty body");
        await ShouldBeProblemAsync(http => http.PostAsync("/articles", new ByteArrayContent("{\"text\": \"Shelling on Saraqib.\"}"u8.ToArray())),
            HttpStatusCode.UnsupportedMediaType, "no content type");
        await ShouldBeProblemAsync(http => http.PostAsync("/articles", new StringContent($"{{\"text\": \"Shelling on Saraqib {Unique()}.\"}}", Encoding.UTF8, "text/plain")),
            HttpStatusCode.UnsupportedMediaType, "text/plain");
        await ShouldBeProblemAsync(http => http.PostAsync("/articles", new FormUrlEncodedContent([new("text", "Shelling on Saraqib.")])),
            HttpStatusCode.UnsupportedMediaType, "a form");
    }

    [Fact]
    public async Task A_body_over_the_article_limit_answers_400_naming_it_and_one_over_the_request_limit_413()
    {
        // The article limit is 2 MiB of text (Ingestion:MaxArticleBytes); the request limit six times that, for escaping.
        var overArticle = JsonSerializer.Serialize(new { text = new string('a', 3 * 1024 * 1024) });
        var overRequest = JsonSerializer.Serialize(new { text = new string('a', 14 * 1024 * 1024) });

        (await ShouldBeProblemAsync(http => http.PostAsync("/articles", new StringContent(overArticle, Encoding.UTF8, "application/json")),
            HttpStatusCode.BadRequest, "3 MiB article")).ShouldContain("MaxArticleBytes");
        // Sent after "100 Continue" as clients of large uploads do: the service answers before the body and closes.
        await ShouldBeProblemAsync(http => http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/articles")
        {
            Content = new StringContent(overRequest, Encoding.UTF8, "application/json"),
            Headers = { ExpectContinue = true },
        }), HttpStatusCode.RequestEntityTooLarge, "14 MiB request");
    }

    private async Task<string> ShouldBeProblemAsync(Func<HttpClient, Task<HttpResponseMessage>> send, HttpStatusCode status, string shape)
    {
        using var http = Http();
        var before = platform.Ingestion.Output.Count;
        using var response = await send(http);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(status, $"{shape}: {body}\n{platform.Ingestion.Tail(15)}");
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json", shape);
        using var problem = JsonDocument.Parse(body);
        var reason = problem.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() : problem.RootElement.GetProperty("title").GetString();
        reason.ShouldNotBeNullOrWhiteSpace(shape);
        await Task.Delay(100);
        var logged = platform.Ingestion.Output.Skip(before).ToList();
        logged.ShouldNotContain(line => line.Contains("\"LogLevel\":\"Error\"", StringComparison.Ordinal), $"{shape} was logged as an error:\n{string.Join('\n', logged)}");
        return body;
    }

    /// <summary>Requests that parse as protobuf but break a rule, each with what its reason must name.</summary>
    public static TheoryData<string, SubmitArticleRequest, string> InvalidRequests => new()
    {
        { "no body", new SubmitArticleRequest { Title = "Shelling" }, "empty" },
        { "blank text", new SubmitArticleRequest { Text = " \n\t " }, "empty" },
        { "only controls and bidi marks", new SubmitArticleRequest { Text = "\u0001\u202E\u200B\u0002" }, "readable text" },
        { "year 0", WithDate("0000-01-01"), "not a date" },
        { "year 1 in UTC", WithDate("0001-01-01T00:00:00+14:00"), "not a date" },
        { "last instant of 9999", WithDate("9999-12-31T23:59:59Z"), "out of range" },
        { "past 9999 in UTC", WithDate("9999-12-31T23:59:59-14:00"), "not a date" },
        { "year 10000", WithDate("10000-01-01"), "not a date" },
        { "before 1900", WithDate("1899-12-31"), "out of range" },
        { "far future", WithDate("2999-06-01"), "out of range" },
        { "impossible day", WithDate("2020-02-30"), "not a date" },
        { "unparsable date", WithDate("last Friday"), "not a date" },
        { "unknown language", new SubmitArticleRequest { Text = "Shelling on Saraqib.", Language = "fr" }, "'fr'" },
        { "language with a NUL", new SubmitArticleRequest { Text = "Shelling on Saraqib.", Language = "e\0n" }, "not supported" },
        { "NUL in the url", new SubmitArticleRequest { Text = "Shelling on Saraqib.", Url = "https://example.org/\0" }, "'url'" },
        { "title over the limit", new SubmitArticleRequest { Text = "Shelling on Saraqib.", Title = new string('t', 5_000) }, "title" },
        { "html nested 100,000 deep", new SubmitArticleRequest { Html = string.Concat(Enumerable.Repeat("<div>", 100_000)) }, "512 deep" },
        { "text over the article limit", new SubmitArticleRequest { Text = new string('a', 3 * 1024 * 1024) }, "MaxArticleBytes" },
    };

    private static SubmitArticleRequest WithDate(string published) => new() { Text = "Shelling on Saraqib.", PublishedOn = published };

    [Theory]
    [MemberData(nameof(InvalidRequests))]
    public async Task Invalid_unary_requests_answer_INVALID_ARGUMENT_with_a_reason(string shape, SubmitArticleRequest request, string reason)
    {
        var failure = await Should.ThrowAsync<RpcException>(
            platform.Client.SubmitArticleAsync(request, deadline: DateTime.UtcNow.AddSeconds(30)).ResponseAsync, shape);

        failure.StatusCode.ShouldBe(StatusCode.InvalidArgument, $"{shape}: {failure.Status.Detail}");
        failure.Status.Detail.ShouldContain(reason, Case.Insensitive, shape);
    }

    [Fact]
    public async Task On_a_stream_every_invalid_request_is_rejected_by_its_index_with_a_reason_and_the_valid_one_stored()
    {
        var requests = InvalidRequests.Select(row => (SubmitArticleRequest)row[1]).ToList();
        requests.Insert(3, new SubmitArticleRequest { Text = $"Shelling on Saraqib ({Unique()}).", PublishedOn = "2020-01-24" });
        using var call = platform.Client.SubmitArticles(deadline: DateTime.UtcNow.AddSeconds(60));

        foreach (var request in requests)
        {
            await call.RequestStream.WriteAsync(request);
        }
        await call.RequestStream.CompleteAsync();
        var results = new List<SubmitArticleResult>();
        await foreach (var result in call.ResponseStream.ReadAllAsync())
        {
            results.Add(result);
        }

        results.Select(r => r.Index).ShouldBe(Enumerable.Range(0, requests.Count).Select(i => (long)i));
        results[3].Outcome.ShouldBe(SubmitOutcome.Ingested);
        results.Where(r => r.Index != 3).ShouldAllBe(r => r.Outcome == SubmitOutcome.Rejected && r.Reason.Length > 0);
    }

    [Theory]
    [InlineData("SubmitArticles")]
    [InlineData("SubmitArticle")]
    public async Task A_request_whose_text_is_not_UTF_8_answers_INVALID_ARGUMENT(string method)
    {
        // Protobuf strings are UTF-8, and the parser refuses a message whose bytes are not (a unary request is checked
        // before gRPC parses it, by UnaryRequestValidation).
        var text = Enumerable.Range(0, 200).SelectMany(i => new byte[] { (byte)'a', 0xC3, 0x28, 0xFF }).ToArray();
        byte[] message = [0x0A, .. Varint(text.Length), .. text];

        var (status, detail) = await RawCallAsync("/platform.ingestion.v1.ArticleIngestion/" + method, message);

        status.ShouldBe(StatusCode.InvalidArgument, detail);
        detail.ShouldContain("not valid protobuf");
    }

    [Theory]
    [InlineData("not-a-uuid", "", "", "not a UUID")]
    [InlineData("", "2020-13-01", "", "not a date")]
    [InlineData("", "", "0000-00-00", "not a date")]
    [InlineData("", "", "", "Say which articles")]
    public async Task Invalid_reprocess_requests_answer_INVALID_ARGUMENT_with_a_reason(string id, string from, string to, string reason)
    {
        var request = new ReprocessArticlesRequest { PublishedFrom = from, PublishedTo = to };
        if (id.Length > 0)
        {
            request.ArticleIds.Add(id);
        }

        var failure = await Should.ThrowAsync<RpcException>(
            platform.Client.ReprocessArticlesAsync(request, deadline: DateTime.UtcNow.AddSeconds(30)).ResponseAsync);

        failure.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        failure.Status.Detail.ShouldContain(reason);
    }

    private static byte[] Varint(int value)
    {
        var bytes = new List<byte>();
        for (; value >= 0x80; value >>= 7)
        {
            bytes.Add((byte)(value | 0x80));
        }
        bytes.Add((byte)value);
        return [.. bytes];
    }

    // One gRPC call with a hand-made message, for bytes no generated client sends.
    private async Task<(StatusCode Status, string Detail)> RawCallAsync(string method, byte[] message)
    {
        using var http = new HttpClient();
        var frame = new byte[5 + message.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1), message.Length);
        message.CopyTo(frame, 5);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(platform.Ingestion.GrpcAddress, method))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(frame) { Headers = { ContentType = new MediaTypeHeaderValue("application/grpc") } },
        };
        request.Headers.TE.ParseAdd("trailers");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestSecurity.AllScopes);
        using var response = await http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        string? Header(string name) =>
            response.TrailingHeaders.TryGetValues(name, out var trailing) ? trailing.Single()
            : response.Headers.TryGetValues(name, out var leading) ? leading.Single() : null;
        var status = Header("grpc-status") ?? throw new InvalidOperationException($"No grpc-status: HTTP {(int)response.StatusCode}");
        return ((StatusCode)int.Parse(status, System.Globalization.CultureInfo.InvariantCulture), Uri.UnescapeDataString(Header("grpc-message") ?? ""));
    }
}

/// <summary>The Ingestion service alone, as a process on a schema and vhost of its own: enough for request validation.</summary>
public sealed class IngestionAlone : IAsyncLifetime
{
    public IsolatedInfrastructure Infrastructure { get; } = new();
    public ServiceProcess Ingestion { get; private set; } = null!;
    public ArticleIngestion.ArticleIngestionClient Client { get; private set; } = null!;
    private Grpc.Net.Client.GrpcChannel? _channel;

    public async Task InitializeAsync()
    {
        await Infrastructure.InitializeAsync();
        Ingestion = ServiceProcess.StartIngestion(Infrastructure.Postgres, Infrastructure.RabbitMq, Infrastructure.NewSchema("ingestion"));
        await Ingestion.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
        _channel = TestSecurity.Channel(Ingestion.GrpcAddress);
        Client = new ArticleIngestion.ArticleIngestionClient(_channel);
    }

    public async Task DisposeAsync()
    {
        _channel?.Dispose();
        await Ingestion.DisposeAsync();
        await Infrastructure.DisposeAsync();
    }
}
