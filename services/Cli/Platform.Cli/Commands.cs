using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Platform.Ingestion.V1;
using Platform.Query.V1;

namespace Platform.Cli;

public static class Commands
{
    private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(30);

    /// <summary>
    /// platform submit PATH: one .txt/.html file, a folder of them (recursively), or a JSONL file of articles
    /// (text or html, title, url, source, language, published). One bad article is reported and skipped.
    /// </summary>
    public static async Task<int> SubmitAsync(Arguments arguments, CancellationToken cancellationToken)
    {
        var path = arguments.Positional.FirstOrDefault() ?? throw new UsageException("submit needs a FILE, a FOLDER or a FILE.jsonl.");
        using var channel = Endpoints.IngestionChannel(arguments);
        var client = new ArticleIngestion.ArticleIngestionClient(channel);
        var retries = arguments.GetInt("retries", DefaultRetries);
        if (File.Exists(path) && !path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
        {
            var single = FromFile(path, arguments);
            for (var failure = 1; ; failure++)
            {
                try
                {
                    var response = await client.SubmitArticleAsync(single, deadline: DateTime.UtcNow + CallDeadline, cancellationToken: cancellationToken);
                    Console.WriteLine(Describe(response));
                    return 0;
                }
                catch (RpcException e) when (IsWorthRetrying(e.StatusCode) && failure <= retries && !cancellationToken.IsCancellationRequested)
                {
                    Console.Error.WriteLine($"the service answered {e.StatusCode} ({e.Status.Detail}); retrying in {Backoff(failure).TotalSeconds:0} s ({failure}/{retries})");
                    await Task.Delay(Backoff(failure), cancellationToken);
                }
            }
        }
        var requests = Directory.Exists(path)
            ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                .Where(f => Path.GetExtension(f).ToLowerInvariant() is ".txt" or ".html" or ".htm")
                .Order(StringComparer.Ordinal)
                .Select(f => (Name: f, Request: (Func<SubmitArticleRequest>)(() => FromFile(f, arguments))))
                .ToList()
            : File.Exists(path)
                ? File.ReadLines(path).Select((line, index) => (Line: line, Index: index))
                    .Where(x => !string.IsNullOrWhiteSpace(x.Line))
                    .Select(x => (Name: $"{path}:{x.Index + 1}", Request: (Func<SubmitArticleRequest>)(() => FromJson(x.Line))))
                    .ToList()
                : throw new UsageException($"No file or folder '{path}'.");
        int ingested = 0, duplicates = 0, rejected = 0;
        var progress = new Progress(requests.Count, "submitting");
        var gate = new object();
        void Rejected(string name, string reason)
        {
            lock (gate)
            {
                rejected++;
                progress.Note($"{name}: {reason}");
                progress.Advance();
            }
        }
        // One enumerator across streams (boxed once): a new stream goes on where the broken one stopped reading.
        using IEnumerator<(string Name, Func<SubmitArticleRequest> Request)> source = requests.GetEnumerator();
        // Sent on the current stream and not answered yet, by the stream's index: what a broken stream leaves to send again.
        var unanswered = new SortedDictionary<long, (string Name, SubmitArticleRequest Request)>();
        var failures = 0;
        while (true)
        {
            var resend = unanswered.Values.ToList();
            unanswered.Clear();
            try
            {
                await SubmitOnOneStreamAsync(client, resend, source, unanswered, gate, Rejected, result =>
                {
                    failures = 0;
                    switch (result.Outcome)
                    {
                        case SubmitOutcome.Duplicate:
                            duplicates++;
                            break;
                        default:
                            ingested++;
                            break;
                    }
                    progress.Advance();
                }, cancellationToken);
                break;
            }
            catch (RpcException e) when (IsWorthRetrying(e.StatusCode) && !cancellationToken.IsCancellationRequested)
            {
                failures++;
                var left = requests.Count - ingested - duplicates - rejected;
                if (failures > retries)
                {
                    progress.Done();
                    Console.WriteLine($"{ingested} ingested, {duplicates} duplicates, {rejected} rejected, {left} not submitted");
                    Console.Error.WriteLine($"gave up after {retries} retries: {e.StatusCode}: {e.Status.Detail}. " +
                        "Run the same command again to submit the rest (what was stored comes back as duplicates).");
                    return 2;
                }
                var delay = Backoff(failures);
                progress.Note($"the service answered {e.StatusCode} ({e.Status.Detail}); {left} left, retrying in {delay.TotalSeconds:0} s ({failures}/{retries})");
                await Task.Delay(delay, cancellationToken);
            }
        }
        progress.Done();
        Console.WriteLine($"{ingested} ingested, {duplicates} duplicates, {rejected} rejected");
        return rejected == 0 ? 0 : 1;
    }

    /// <summary>How often <c>platform submit</c> opens a new stream after the service went away (<c>--retries</c>).</summary>
    public const int DefaultRetries = 6;

    // Outages and overload pass; a rejected request or a bug does not.
    private static bool IsWorthRetrying(StatusCode code) => code is StatusCode.Unavailable or StatusCode.ResourceExhausted or StatusCode.Aborted;

    /// <summary>1, 2, 4, 8, 16, then 30 s between attempts.</summary>
    public static TimeSpan Backoff(int failures) => TimeSpan.FromSeconds(Math.Min(30, 1 << Math.Min(failures - 1, 5)));

    /// <summary>
    /// One bulk stream: first the articles a broken stream left unanswered, then the rest as they are read; results
    /// come back by index as batches are stored. Throws the stream's <see cref="RpcException"/> when it breaks, with
    /// <paramref name="unanswered"/> holding what was sent and not answered.
    /// </summary>
    private static async Task SubmitOnOneStreamAsync(ArticleIngestion.ArticleIngestionClient client,
        List<(string Name, SubmitArticleRequest Request)> resend, IEnumerator<(string Name, Func<SubmitArticleRequest> Request)> source,
        SortedDictionary<long, (string Name, SubmitArticleRequest Request)> unanswered, object gate, Action<string, string> rejected,
        Action<SubmitArticleResult> answered, CancellationToken cancellationToken)
    {
        using var call = client.SubmitArticles(deadline: DateTime.UtcNow.AddHours(12), cancellationToken: cancellationToken);
        long next = 0;
        // What the broken stream left stays owed until answered here, even if this stream breaks before sending it.
        lock (gate)
        {
            foreach (var owed in resend)
            {
                unanswered[next++] = owed;
            }
        }
        async Task Send(string name, SubmitArticleRequest request)
        {
            lock (gate)
            {
                unanswered[next++] = (name, request);
            }
            await call.RequestStream.WriteAsync(request, cancellationToken);
        }
        var writing = Task.Run(async () =>
        {
            foreach (var (_, request) in resend)
            {
                await call.RequestStream.WriteAsync(request, cancellationToken);
            }
            while (source.MoveNext())
            {
                var (name, build) = source.Current;
                SubmitArticleRequest request;
                try
                {
                    request = build();
                }
                catch (Exception e) when (e is System.Text.Json.JsonException or UsageException or IOException)
                {
                    rejected(name, e.Message);
                    continue;
                }
                await Send(name, request);
            }
            await call.RequestStream.CompleteAsync();
        }, cancellationToken);
        try
        {
            await foreach (var result in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                (string Name, SubmitArticleRequest Request) sent;
                lock (gate)
                {
                    sent = unanswered[result.Index];
                    unanswered.Remove(result.Index);
                }
                if (result.Outcome == SubmitOutcome.Rejected)
                {
                    rejected(sent.Name, result.Reason);
                    continue;
                }
                lock (gate)
                {
                    answered(result);
                }
            }
            await writing;
        }
        catch (RpcException)
        {
            // The writer stops at the broken stream too; what it sent is in unanswered either way.
            try
            {
                await writing;
            }
            catch (Exception e) when (e is RpcException or InvalidOperationException or OperationCanceledException or IOException)
            {
            }
            throw;
        }
    }

    private static SubmitArticleRequest FromFile(string file, Arguments arguments)
    {
        var content = File.ReadAllText(file);
        var request = new SubmitArticleRequest
        {
            Title = arguments.Get("title", ""),
            Url = arguments.Get("url", ""),
            SourceName = arguments.Get("source", ""),
            Language = arguments.Get("language", ""),
            PublishedOn = arguments.Get("published", ""),
        };
        if (Path.GetExtension(file).ToLowerInvariant() is ".html" or ".htm")
        {
            request.Html = content;
        }
        else
        {
            request.Text = content;
        }
        return request;
    }

    private static SubmitArticleRequest FromJson(string line)
    {
        using var document = System.Text.Json.JsonDocument.Parse(line);
        var root = document.RootElement;
        string Field(params string[] names) =>
            names.Select(n => root.TryGetProperty(n, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.String ? v.GetString() : null)
                .FirstOrDefault(v => v is not null) ?? "";
        var request = new SubmitArticleRequest
        {
            Title = Field("title"),
            Url = Field("url"),
            SourceName = Field("source", "source_name", "sourceName"),
            Language = Field("language", "lang"),
            PublishedOn = Field("published", "published_on", "publishedOn"),
        };
        if (Field("html") is { Length: > 0 } html)
        {
            request.Html = html;
        }
        else
        {
            request.Text = Field("text");
        }
        return request;
    }

    private static string Describe(SubmitArticleResponse response) => response.Duplicate
        ? $"duplicate {response.ArticleId} (already ingested; nothing new stored)"
        : $"ingested {response.ArticleId} ({response.Language}, published {response.PublishedOn}, {response.TextLength} characters)";

    /// <summary>platform watch [--event-type T] [--bbox ...] [--from POSITION] [--json]: changes as they are recorded.</summary>
    public static async Task<int> WatchAsync(Arguments arguments, CancellationToken cancellationToken)
    {
        var request = new WatchIncidentsRequest { EventType = arguments.Get("event-type", ""), FromPosition = arguments.GetInt("from", 0) };
        if (arguments.Get("bbox") is { } bbox)
        {
            request.BoundingBox = ParseBox(bbox);
        }
        using var channel = Endpoints.QueryChannel(arguments);
        var client = new IncidentQuery.IncidentQueryClient(channel);
        while (true)
        {
            using var call = client.WatchIncidents(request, cancellationToken: cancellationToken);
            try
            {
                await foreach (var change in call.ResponseStream.ReadAllAsync(cancellationToken))
                {
                    request.FromPosition = change.Position;
                    if (arguments.Has("json"))
                    {
                        Console.WriteLine(JsonFormatter.Default.Format(change));
                        continue;
                    }
                    Console.WriteLine($"@{change.Position} {change.Change}");
                    Print(change.Incident);
                }
                return 0;
            }
            catch (Exception e) when (cancellationToken.IsCancellationRequested && e is OperationCanceledException or RpcException)
            {
                // Ctrl-C: the watch ends here; resume later with --from and the last position printed.
                return 0;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable)
            {
                // The service restarted, or the stream reached its longest duration: go on after the last change seen.
                Console.Error.WriteLine($"watch: {e.Status.Detail} Resuming after @{request.FromPosition}.");
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }

    /// <summary>platform export --output FILE.jsonl [--from POSITION] [--type T ...]: the ledger's events as JSON lines.</summary>
    public static async Task<int> ExportAsync(Arguments arguments, CancellationToken cancellationToken)
    {
        var output = arguments.Get("output") ?? throw new UsageException("export needs --output FILE.jsonl.");
        var request = new ReadEventsRequest { FromPosition = arguments.GetInt("from", 0) };
        if (arguments.Get("type") is { } type)
        {
            request.EventTypes.AddRange(type.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }
        using var channel = Endpoints.QueryChannel(arguments);
        using var call = new IncidentQuery.IncidentQueryClient(channel).ReadEvents(request, deadline: DateTime.UtcNow.AddHours(6), cancellationToken: cancellationToken);
        var count = 0L;
        var last = request.FromPosition;
        var progress = new Progress(0, "exporting");
        await using (var writer = new StreamWriter(output))
        {
            await foreach (var e in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                await writer.WriteLineAsync(JsonFormatter.Default.Format(e));
                count++;
                last = e.Position;
                progress.Advance();
            }
        }
        progress.Done();
        Console.WriteLine($"exported {count} events to {output}; resume with --from {last}");
        return 0;
    }

    /// <summary>platform token: an access token signed with the local shared key, printed on its own line.</summary>
    public static int Token(Arguments arguments)
    {
        var scopes = (arguments.Get("scopes") ?? throw new UsageException("token needs --scopes, e.g. --scopes submit,read,admin."))
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string[] known = ["submit", "read", "admin"];
        if (scopes.Length == 0 || scopes.Any(scope => !known.Contains(scope)))
        {
            throw new UsageException($"--scopes takes submit, read and admin, comma-separated; got '{arguments.Get("scopes")}'.");
        }
        var key = arguments.Get("key") ?? (Environment.GetEnvironmentVariable("PLATFORM_JWT_SIGNING_KEY") is { Length: > 0 } set ? set
            : throw new UsageException("token needs the signing key: --key KEY or PLATFORM_JWT_SIGNING_KEY (eval \"$(deploy/local/infra.sh env)\")."));
        var hours = arguments.GetInt("hours", 12);
        if (hours is < 1 or > 24 * 366)
        {
            throw new UsageException("--hours must be between 1 and 8784.");
        }
        Console.WriteLine(AccessTokens.Create(key, scopes, TimeSpan.FromHours(hours), arguments.Get("subject", Environment.UserName),
            arguments.Get("issuer", AccessTokens.DefaultIssuer), arguments.Get("audience", AccessTokens.DefaultAudience)));
        return 0;
    }

    /// <summary>platform rebuild: rebuilds the Query service's read model from the ledger.</summary>
    public static async Task<int> RebuildAsync(Arguments arguments, CancellationToken cancellationToken)
    {
        using var channel = Endpoints.QueryChannel(arguments);
        Console.Error.WriteLine("rebuilding the incident read model...");
        var response = await new IncidentQuery.IncidentQueryClient(channel)
            .RebuildProjectionsAsync(new RebuildProjectionsRequest(), deadline: DateTime.UtcNow.AddHours(2), cancellationToken: cancellationToken);
        Console.WriteLine($"rebuilt {response.Incidents} incidents in {response.Seconds:F1} s");
        return 0;
    }

    private static BoundingBox ParseBox(string bbox)
    {
        var parts = bbox.Split(',').Select(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN).ToArray();
        return parts.Length != 4 || parts.Any(double.IsNaN)
            ? throw new UsageException("--bbox is minLat,minLon,maxLat,maxLon.")
            : new BoundingBox { MinLatitude = parts[0], MinLongitude = parts[1], MaxLatitude = parts[2], MaxLongitude = parts[3] };
    }

    /// <summary>
    /// platform reprocess (--article ID ... | --from DAY --to DAY | --all) [--wait SECONDS]: sends stored articles
    /// through extraction again, then prints what the ledger revised or retracted during the wait.
    /// </summary>
    public static async Task<int> ReprocessAsync(Arguments arguments, CancellationToken cancellationToken)
    {
        var request = new ReprocessArticlesRequest
        {
            PublishedFrom = arguments.Get("from", ""),
            PublishedTo = arguments.Get("to", ""),
            All = arguments.Has("all"),
        };
        request.ArticleIds.AddRange(arguments.Positional);
        if (arguments.Get("article") is { } single)
        {
            request.ArticleIds.Add(single);
        }
        using var ingestionChannel = Endpoints.IngestionChannel(arguments);
        using var queryChannel = Endpoints.QueryChannel(arguments);
        var ledger = new IncidentQuery.IncidentQueryClient(queryChannel);

        // The ledger's current end: changes after it are this reprocess's.
        var position = (await ledger.GetLedgerPositionAsync(new GetLedgerPositionRequest(), deadline: DateTime.UtcNow + CallDeadline,
            cancellationToken: cancellationToken)).Position;
        var response = await new ArticleIngestion.ArticleIngestionClient(ingestionChannel)
            .ReprocessArticlesAsync(request, deadline: DateTime.UtcNow + CallDeadline, cancellationToken: cancellationToken);
        Console.WriteLine($"reprocessing {response.Articles} article(s)");

        var wait = TimeSpan.FromSeconds(arguments.GetInt("wait", 30));
        using var window = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        window.CancelAfter(wait);
        var changes = 0;
        var follow = new ReadEventsRequest { FromPosition = position, Follow = true };
        follow.EventTypes.Add("incident_revised");
        follow.EventTypes.Add("incident_retracted");
        try
        {
            using var stream = ledger.ReadEvents(follow, cancellationToken: window.Token);
            await foreach (var e in stream.ResponseStream.ReadAllAsync(window.Token))
            {
                changes++;
                Console.WriteLine(DescribeChange(e));
            }
        }
        catch (Exception e) when (e is OperationCanceledException || e is RpcException { StatusCode: StatusCode.Cancelled } && !cancellationToken.IsCancellationRequested)
        {
            // The wait is over.
        }
        Console.WriteLine($"{changes} incident(s) revised or retracted in {wait.TotalSeconds:0} s");
        return 0;
    }

    private static string DescribeChange(LedgerEvent e)
    {
        using var document = System.Text.Json.JsonDocument.Parse(e.DataJson);
        if (e.Type == "incident_retracted")
        {
            return $"- {e.IncidentId} retracted (article {document.RootElement.GetProperty("ArticleId").GetString()})";
        }
        var fields = document.RootElement.GetProperty("Changes").EnumerateArray()
            .Select(c => $"{c.GetProperty("Field").GetString()}: {c.GetProperty("Before").GetString()} -> {c.GetProperty("After").GetString()}")
            .ToList();
        return fields.Count == 0
            ? $"- {e.IncidentId} confirmed by the new extractor (no field changed)"
            : $"- {e.IncidentId} revised: {string.Join("; ", fields)}";
    }

    public static async Task<int> IncidentsAsync(Arguments arguments, CancellationToken cancellationToken)
    {
        var request = new SearchIncidentsRequest
        {
            ArticleId = arguments.Get("article", ""),
            FromDate = arguments.Get("from", ""),
            ToDate = arguments.Get("to", ""),
            EventType = arguments.Get("event-type", ""),
            PageSize = arguments.GetInt("page-size", 100),
        };
        if (arguments.Get("bbox") is { } bbox)
        {
            request.BoundingBox = ParseBox(bbox);
        }
        if (arguments.Get("as-of") is { } asOf)
        {
            request.AsOf = DateTimeOffset.TryParse(asOf, System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal, out var moment)
                ? Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(moment)
                : throw new UsageException($"--as-of '{asOf}' is not a time: use ISO 8601, e.g. 2026-11-20T10:00:00Z.");
        }
        using var channel = Endpoints.QueryChannel(arguments);
        var client = new IncidentQuery.IncidentQueryClient(channel);
        var waitUntil = DateTime.UtcNow.AddSeconds(arguments.GetInt("wait", 0));
        var incidents = new List<Incident>();
        while (true)
        {
            incidents.Clear();
            var page = new SearchIncidentsResponse { NextPageToken = "" };
            do
            {
                request.PageToken = page.NextPageToken;
                page = await client.SearchIncidentsAsync(request, deadline: DateTime.UtcNow + CallDeadline, cancellationToken: cancellationToken);
                incidents.AddRange(page.Incidents);
            }
            while (page.NextPageToken.Length > 0);
            if (incidents.Count > 0 || DateTime.UtcNow >= waitUntil)
            {
                break;
            }
            await Task.Delay(250, cancellationToken);
        }
        if (arguments.Has("json"))
        {
            foreach (var incident in incidents)
            {
                Console.WriteLine(JsonFormatter.Default.Format(incident));
            }
            return 0;
        }
        Console.WriteLine($"{incidents.Count} incident(s)");
        foreach (var incident in incidents)
        {
            Print(incident);
        }
        return 0;
    }

    private static void Print(Incident incident)
    {
        var place = incident.Place is { } p
            ? $"{p.Name} (GeoNames {p.GeonameId}, {p.Latitude:F5},{p.Longitude:F5}, precision {p.Precision}, {p.Admin1Name} {p.CountryCode}) from \"{p.MatchedText}\""
            : "no place resolved";
        var dates = incident.DateStart == incident.DateEnd ? incident.DateStart : $"{incident.DateStart}..{incident.DateEnd}";
        Console.WriteLine($"- {incident.IncidentId}");
        Console.WriteLine($"    {incident.EventType} / {incident.SubEventType}, {dates}");
        Console.WriteLine($"    where: {place}");
        Console.WriteLine($"    actors: {string.Join(", ", incident.Actors.Select(a => $"{a.ActorId} (\"{a.Alias}\")"))}");
        Console.WriteLine($"    killed: {(incident.Fatalities is { } k ? k : "-")}, arrested: {(incident.Arrests is { } a ? a : "-")}");
        foreach (var source in incident.Sources)
        {
            Console.WriteLine($"    source: {source.SourceName} {source.Url} [{source.ExtractorVersion}] evidence @{source.Evidence.Start}: \"{source.Evidence.Text}\"");
        }
    }
}
