using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Npgsql;
using Platform.Extraction.Engine;
using Platform.Geocoding.Engine;
using Platform.Ingestion.V1;
using Platform.Query.V1;

namespace Platform.LoadTool;

/// <summary>
/// The whole pipeline under load, as a data team would drive it: N distinct generated articles (Arabic and English,
/// real place names, about 3 KB) submitted through the public gRPC API at a chosen concurrency or rate, the ledger
/// followed from a client, and at the end a check that every report the engines find in those articles (computed
/// here with the same engines) is in the ledger exactly once. It prints throughput, submit-to-visible latency, each
/// process's CPU and memory, queue depths and the outbox's lag over time.
/// </summary>
internal static class PipelineLoad
{
    public sealed record Options(int Articles, int Concurrency, double? Rate, int Seed, string Ingestion, string Query, bool Bulk);

    public static Options Parse(string[] args)
    {
        string? Flag(string name) => args.SkipWhile(a => a != "--" + name).Skip(1).FirstOrDefault();
        return new Options(
            int.Parse(args.ElementAtOrDefault(1) ?? "10000", CultureInfo.InvariantCulture),
            int.Parse(Flag("concurrency") ?? "16", CultureInfo.InvariantCulture),
            Flag("rate") is { } rate ? double.Parse(rate, CultureInfo.InvariantCulture) : null,
            int.Parse(Flag("seed") ?? "1", CultureInfo.InvariantCulture),
            Flag("ingestion") ?? "http://127.0.0.1:5102",
            Flag("query") ?? "http://127.0.0.1:5402",
            args.Contains("--bulk"));
    }

    public static async Task<int> RunAsync(Options options)
    {
        var run = $"{options.Seed}-{Guid.NewGuid():N}"[..12];
        var articles = ArticleGenerator.Generate(options.Articles, options.Seed, run);
        Console.Error.WriteLine($"generated {articles.Count:N0} articles, {articles.Average(a => Encoding.UTF8.GetByteCount(a.Text)):F0} bytes on average");
        var expected = ExpectedReports(articles);
        Console.Error.WriteLine($"the engines find {expected.Sum(e => e.Length):N0} reports in them");

        using var ingestionChannel = PacedSubmission.Channel(options.Ingestion);
        using var queryChannel = PacedSubmission.Channel(options.Query);
        var ingestion = new ArticleIngestion.ArticleIngestionClient(ingestionChannel);
        var query = new IncidentQuery.IncidentQueryClient(queryChannel);
        var start = (await query.GetLedgerPositionAsync(new GetLedgerPositionRequest())).Position;

        // The ledger, followed from before the first submission: the first report of each article is when it became visible.
        using var stop = new CancellationTokenSource();
        var reports = new ConcurrentDictionary<(string Article, int Ordinal), int>();
        var visibleAt = new ConcurrentDictionary<string, long>();
        var follower = Task.Run(() => FollowAsync(query, start, reports, visibleAt, stop.Token));
        var sampler = new Sampler();
        var sampling = Task.Run(() => sampler.RunAsync(stop.Token));

        var acceptedAt = new ConcurrentDictionary<string, long>();
        var ids = new ConcurrentDictionary<int, string>();
        var rejected = 0;
        var clock = Stopwatch.StartNew();
        var started = Stopwatch.GetTimestamp();
        var next = -1;
        var interval = options.Rate is { } r ? TimeSpan.FromSeconds(1 / r) : TimeSpan.Zero;
        if (options.Bulk)
        {
            // SubmitArticles streams, one per client, each taking every Concurrency-th article.
            await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(async client =>
            {
                using var call = ingestion.SubmitArticles(deadline: DateTime.UtcNow.AddHours(2));
                var mine = Enumerable.Range(0, articles.Count).Where(i => i % options.Concurrency == client).ToList();
                var writing = Task.Run(async () =>
                {
                    foreach (var i in mine)
                    {
                        var article = articles[i];
                        await call.RequestStream.WriteAsync(PacedSubmission.Request(article, "load"));
                    }
                    await call.RequestStream.CompleteAsync();
                });
                await foreach (var result in call.ResponseStream.ReadAllAsync())
                {
                    var i = mine[(int)result.Index];
                    if (result.Outcome == SubmitOutcome.Rejected)
                    {
                        Interlocked.Increment(ref rejected);
                        Console.Error.WriteLine($"article {i}: {result.Reason}");
                        continue;
                    }
                    acceptedAt[result.Article.ArticleId] = Stopwatch.GetTimestamp();
                    ids[i] = result.Article.ArticleId;
                }
                await writing;
            }));
        }
        else
        {
            await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < articles.Count)
                {
                    if (options.Rate is not null)
                    {
                        await PacedSubmission.WhenDueAsync(i, interval, clock);
                    }
                    var article = articles[i];
                    for (var attempt = 1; ; attempt++)
                    {
                        try
                        {
                            var response = await ingestion.SubmitArticleAsync(PacedSubmission.Request(article, "load"), deadline: DateTime.UtcNow.AddSeconds(60));
                            acceptedAt[response.ArticleId] = Stopwatch.GetTimestamp();
                            ids[i] = response.ArticleId;
                            break;
                        }
                        catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded && attempt < 10)
                        {
                            await Task.Delay(200 * attempt);
                        }
                        catch (RpcException e)
                        {
                            Interlocked.Increment(ref rejected);
                            Console.Error.WriteLine($"article {i}: {e.Status.StatusCode} {e.Status.Detail}");
                            break;
                        }
                    }
                }
            }));
        }
        var submitSeconds = clock.Elapsed.TotalSeconds;
        Console.Error.WriteLine($"submitted {ids.Count:N0} in {submitSeconds:F1} s; waiting for the ledger");

        // Done when every expected report arrived, or nothing new arrived for a minute.
        var expectedTotal = ids.Keys.Sum(i => expected[i].Length);
        var lastCount = -1;
        var lastChange = Stopwatch.StartNew();
        while (reports.Count < expectedTotal && lastChange.Elapsed < TimeSpan.FromMinutes(1))
        {
            await Task.Delay(250);
            if (reports.Count != lastCount)
            {
                (lastCount, lastChange) = (reports.Count, Stopwatch.StartNew());
            }
        }
        var endToEndSeconds = visibleAt.IsEmpty ? 0 : Stopwatch.GetElapsedTime(started, visibleAt.Values.Max()).TotalSeconds;
        await Task.Delay(2_000);
        stop.Cancel();
        await Task.WhenAll(follower, sampling);

        var latencies = acceptedAt
            .Where(a => visibleAt.ContainsKey(a.Key))
            .Select(a => Stopwatch.GetElapsedTime(a.Value, visibleAt[a.Key]).TotalMilliseconds)
            .Order().ToList();
        double Percentile(double p) => latencies.Count == 0 ? double.NaN : latencies[Math.Clamp((int)Math.Ceiling(p * latencies.Count) - 1, 0, latencies.Count - 1)];
        Console.WriteLine($"articles: {articles.Count:N0} generated, {ids.Count:N0} accepted, {rejected} rejected; " +
            $"{(options.Bulk ? "SubmitArticles streams" : "SubmitArticle clients")} {options.Concurrency}" +
            (options.Rate is { } rate ? $", rate {rate:F0}/s" : ""));
        Console.WriteLine($"accepted: {ids.Count / submitSeconds:F0} articles/s over {submitSeconds:F1} s");
        Console.WriteLine($"recorded end to end: {visibleAt.Count / Math.Max(endToEndSeconds, 0.001):F0} articles/s ({visibleAt.Count:N0} articles visible {endToEndSeconds:F1} s after the first submission)");
        Console.WriteLine($"submit to visible: p50 {Percentile(0.5):F0} ms, p90 {Percentile(0.9):F0} ms, p99 {Percentile(0.99):F0} ms, max {Percentile(1):F0} ms");
        sampler.Print();

        // Exactly once: every report the engines find in the accepted articles, and nothing else, once each.
        var duplicates = reports.Count(r => r.Value > 1);
        var wanted = ids.SelectMany(kv => expected[kv.Key].Select(ordinal => (kv.Value, ordinal))).ToHashSet();
        var recorded = reports.Keys.Where(k => acceptedAt.ContainsKey(k.Article)).ToHashSet();
        var missing = wanted.Count(w => !recorded.Contains(w));
        var unexpected = recorded.Count(r => !wanted.Contains(r));
        Console.WriteLine($"ledger check: {wanted.Count:N0} reports expected, {recorded.Count:N0} recorded, {missing} missing, {unexpected} unexpected, {duplicates} recorded twice");
        return missing == 0 && unexpected == 0 && duplicates == 0 ? 0 : 1;
    }

    /// <summary>
    /// The ordinals of the reports the pipeline should record for each article: the engines run here as the services
    /// run them (extraction numbers the incidents; geocoding leaves out a summary over places told in detail).
    /// </summary>
    private static List<int[]> ExpectedReports(IReadOnlyList<GeneratedArticle> articles)
    {
        // As deploy/local/platform.sh finds it: PLATFORM_GAZETTEER_DIR, else PLATFORM_SHARED_DIR, else ../shared beside the checkout.
        var directory = Environment.GetEnvironmentVariable("PLATFORM_GAZETTEER_DIR") is { Length: > 0 } set
            ? set
            : Path.Combine(Environment.GetEnvironmentVariable("PLATFORM_SHARED_DIR") is { Length: > 0 } shared
                ? shared
                : Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../../shared")), "gazetteer");
        var extractor = new IncidentExtractor();
        var geocoder = new Geocoder(Gazetteer.Load(new GazetteerOptions { Directory = directory }), "SY");
        var ordinals = new List<int[]>(articles.Count);
        foreach (var article in articles)
        {
            var found = extractor.Extract(new ExtractionInput(article.Text, article.Language, DateOnly.ParseExact(article.Published, "yyyy-MM-dd", CultureInfo.InvariantCulture)));
            var places = geocoder.ResolveArticle(found
                .Select(incident => (IReadOnlyList<PlaceQuery>)incident.Places.Select(p => new PlaceQuery(p.Name, p.Relation, p.Hints)).ToList()).ToList());
            var summaries = ArticleSummaries.Find(found
                .Select((incident, index) => new ArticleSummaries.Told(incident.EventType, incident.DateStart, incident.DateEnd, incident.Evidence.Start, places[index]))
                .ToList());
            ordinals.Add([.. Enumerable.Range(0, found.Count).Where(i => !summaries.Contains(i))]);
        }
        return ordinals;
    }

    private static async Task FollowAsync(IncidentQuery.IncidentQueryClient query, long start, ConcurrentDictionary<(string, int), int> reports,
        ConcurrentDictionary<string, long> visibleAt, CancellationToken cancellationToken)
    {
        try
        {
            using var call = query.ReadEvents(new ReadEventsRequest { FromPosition = start, Follow = true, EventTypes = { "incident_reported", "incident_corroborated" } },
                cancellationToken: cancellationToken);
            await foreach (var stored in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                using var json = JsonDocument.Parse(stored.DataJson);
                var source = json.RootElement.GetProperty("Source");
                var article = source.GetProperty("ArticleId").GetString()!;
                reports.AddOrUpdate((article, source.GetProperty("Ordinal").GetInt32()), 1, (_, n) => n + 1);
                visibleAt.TryAdd(article, Stopwatch.GetTimestamp());
            }
        }
        catch (Exception e) when (e is OperationCanceledException || e is RpcException { StatusCode: StatusCode.Cancelled })
        {
        }
    }

    /// <summary>Every 5 s: CPU and memory of each process, queue depths, and the outbox's lag.</summary>
    private sealed class Sampler
    {
        private static readonly string RunDirectory = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../.local/run"));
        private static readonly string InfraDirectory = Environment.GetEnvironmentVariable("PLATFORM_INFRA_DIR")
            ?? Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../.local/infra"));
        private readonly Dictionary<string, (double CpuSeconds, long MaxRssKb)> _first = [];
        private readonly Dictionary<string, (double CpuSeconds, long MaxRssKb)> _last = [];
        private readonly Stopwatch _clock = new();
        private readonly List<string> _timeline = [];

        private static Dictionary<string, int> Processes()
        {
            var processes = new Dictionary<string, int>();
            foreach (var name in new[] { "ingestion", "extraction", "geocoding", "query" })
            {
                if (File.Exists(Path.Combine(RunDirectory, name + ".pid")) && int.TryParse(File.ReadAllText(Path.Combine(RunDirectory, name + ".pid")).Trim(), out var pid))
                {
                    processes[name] = pid;
                }
            }
            var postmaster = Path.Combine(InfraDirectory, "postgres/data/postmaster.pid");
            if (File.Exists(postmaster) && int.TryParse(File.ReadLines(postmaster).First().Trim(), out var pg))
            {
                processes["postgresql"] = pg;
            }
            var rabbit = Path.Combine(InfraDirectory, "rabbitmq/rabbitmq.pid");
            if (File.Exists(rabbit) && int.TryParse(File.ReadAllText(rabbit).Trim(), out var mq))
            {
                processes["rabbitmq"] = mq;
            }
            return processes;
        }

        // CPU seconds and resident memory of a process and all its descendants (PostgreSQL runs a process per connection).
        private static (double CpuSeconds, long RssKb) Tree(int root)
        {
            var children = new Dictionary<int, List<int>>();
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (int.TryParse(Path.GetFileName(dir), out var pid) && ReadStat(pid) is { } stat)
                {
                    (children.TryGetValue(stat.Parent, out var list) ? list : children[stat.Parent] = []).Add(pid);
                }
            }
            double cpu = 0;
            long rss = 0;
            var pending = new Stack<int>([root]);
            while (pending.TryPop(out var pid))
            {
                if (ReadStat(pid) is { } stat)
                {
                    cpu += stat.CpuSeconds;
                    rss += stat.RssKb;
                }
                foreach (var child in children.GetValueOrDefault(pid) ?? [])
                {
                    pending.Push(child);
                }
            }
            return (cpu, rss);
        }

        private static (int Parent, double CpuSeconds, long RssKb)? ReadStat(int pid)
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                // After the name: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14) ... rss pages(21). The
                // children's times are those of exited children it reaped: a PostgreSQL backend that ends during the run
                // leaves the tree, and its CPU time stays counted in the postmaster's.
                var ticks = 0L;
                for (var field = 11; field <= 14; field++)
                {
                    ticks += long.Parse(fields[field], CultureInfo.InvariantCulture);
                }
                return (int.Parse(fields[1], CultureInfo.InvariantCulture), ticks / 100.0,
                    long.Parse(fields[21], CultureInfo.InvariantCulture) * Environment.SystemPageSize / 1024);
            }
            catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException or UnauthorizedAccessException)
            {
                return null;
            }
        }

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            _clock.Start();
            foreach (var (name, pid) in Processes())
            {
                var (cpu, rss) = Tree(pid);
                _first[name] = _last[name] = (cpu, rss);
            }
            try
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
                    foreach (var (name, pid) in Processes())
                    {
                        var (cpu, rss) = Tree(pid);
                        _last[name] = (cpu, Math.Max(rss, _last.GetValueOrDefault(name).MaxRssKb));
                    }
                    _timeline.Add($"  {_clock.Elapsed.TotalSeconds,5:F0} s  outbox lag {await OutboxLagAsync(),7}  queues {await QueuesAsync()}");
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        public void Print()
        {
            var seconds = _clock.Elapsed.TotalSeconds;
            Console.WriteLine("process       CPU (% of one core)   max resident memory");
            foreach (var (name, last) in _last.OrderBy(x => x.Key, StringComparer.Ordinal))
            {
                Console.WriteLine($"  {name,-11} {100 * (last.CpuSeconds - _first[name].CpuSeconds) / seconds,8:F0} %   {last.MaxRssKb / 1024,10:N0} MiB");
            }
            Console.WriteLine("over time (articles stored but not yet published; messages ready+unacked per queue):");
            foreach (var line in _timeline)
            {
                Console.WriteLine(line);
            }
        }

        private static async Task<string> OutboxLagAsync()
        {
            try
            {
                await using var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable("PLATFORM_POSTGRES")
                    ?? throw new InvalidOperationException("Set PLATFORM_POSTGRES: eval \"$(deploy/local/infra.sh env)\""));
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand(
                    "select (select coalesce(max(seq_id), 0) from ingestion.mt_events where type = 'article_ingested') " +
                    "- coalesce((select max(last_seq_id) from ingestion.mt_event_progression where name like 'article-publisher%'), 0)", connection);
                return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture).ToString("N0", CultureInfo.InvariantCulture);
            }
            catch (NpgsqlException)
            {
                return "?";
            }
        }

        private static async Task<string> QueuesAsync()
        {
            try
            {
                var rabbit = new Uri(Environment.GetEnvironmentVariable("PLATFORM_RABBITMQ") ?? throw new InvalidOperationException("Set PLATFORM_RABBITMQ: eval \"$(deploy/local/infra.sh env)\""));
                using var client = new HttpClient { BaseAddress = new Uri(Environment.GetEnvironmentVariable("PLATFORM_RABBITMQ_MANAGEMENT") ?? "http://127.0.0.1:55673/") };
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
                    Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(rabbit.UserInfo))));
                using var document = JsonDocument.Parse(await client.GetStringAsync("api/queues"));
                return string.Join(", ", document.RootElement.EnumerateArray()
                    .Where(q => !q.GetProperty("name").GetString()!.EndsWith("_skipped", StringComparison.Ordinal))
                    .Select(q => (Name: q.GetProperty("name").GetString()!, Depth: q.TryGetProperty("messages", out var m) ? m.GetInt64() : 0))
                    .Where(q => q.Depth > 0 || !q.Name.EndsWith("_error", StringComparison.Ordinal))
                    .Select(q => $"{q.Name} {q.Depth}"));
            }
            catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException)
            {
                return "?";
            }
        }
    }
}
