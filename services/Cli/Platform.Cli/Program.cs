using Grpc.Core;
using Platform.Cli;

const string Usage = """
    platform — command line for Platform

    platform submit FILE|FOLDER|FILE.jsonl [--title T] [--url U] [--source S] [--language ar|en]
                         [--published YYYY-MM-DD] [--retries N] [--ingestion http://127.0.0.1:5102]
        Submits one article (.txt as text, .html/.htm as HTML), every such file of a folder, or each line of a
        JSONL file (text or html, title, url, source, language, published); prints ingested/duplicate/rejected.
        While the service is unavailable it retries (1, 2, 4, 8, 16, 30 s; --retries, default 6, counted
        since the last article answered) and sends again what was not answered; then it prints what was
        and was not submitted and exits 2.
    platform watch [--event-type TYPE] [--bbox minLat,minLon,maxLat,maxLon] [--from POSITION] [--json]
        Prints new and changed incidents as they are recorded, until Ctrl-C.
    platform export --output FILE.jsonl [--from POSITION] [--type incident_reported,...]
        Writes the ledger's events from a position as JSON lines (resumable).
    platform rebuild [--query http://127.0.0.1:5402]
        Rebuilds the incident read model from the ledger's events.
    platform incidents [--article ID] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--event-type TYPE]
                       [--bbox minLat,minLon,maxLat,maxLon] [--as-of ISO-8601-TIME] [--wait SECONDS] [--json]
                       [--query http://127.0.0.1:5402]
        Searches incidents over gRPC; --as-of searches the ledger as it was at that moment;
        --wait polls until at least one incident matches.
    platform reprocess [ARTICLE_ID ...] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--all] [--wait SECONDS]
        Sends stored articles through extraction again and prints the revisions and retractions that follow.
    platform eval --gold FILE.jsonl [--gazetteer DIR] [--lexicons DIR] [--focus SY|none] [--json OUT.json] [--errors OUT.jsonl]
        Runs extraction and geocoding in-process on every gold article and scores them (gold/README.md);
        --errors writes every missed, spurious and misplaced incident with gold and prediction side by side.
    platform eval --gsr DIR [--lexicons DIR] [--ceiling] [--json OUT.json]
        Sentence-level ASSAULT and PROTEST detection on arabic_event_gsr (unanimous labels); --ceiling also
        cross-validates a bag-of-words model fitted to the corpus, to show how far its labels can be learned.
    platform extract --input ARTICLES.jsonl --output PREDICTIONS.jsonl [--gazetteer DIR] [--lexicons DIR] [--focus SY|none]
        Writes {"id": ..., "incidents": [...]} per article, each incident in the gold file's shape.
        --lexicons DIR: actors.tsv, triggers.tsv or cues.tsv in DIR replace the built-in files (try a change).
    platform geocode NAME [OTHER_NAME ...] [--relation in|near|countryside-of|area|region|mention] [--hint NAME;NAME]
                     [--gazetteer DIR] [--focus SY|none]
        Resolves one incident's place mentions and prints the place, its precision, the rule and the runners-up.
        --focus: the country an article is taken to be about when nothing in it says (SY by default, as the service).
    platform token --scopes submit,read,admin [--hours 12] [--subject NAME] [--key KEY] [--issuer I] [--audience A]
        Prints an access token signed with the services' shared key (--key, else PLATFORM_JWT_SIGNING_KEY, which
        `deploy/local/infra.sh env` prints). The commands that call a service send --token, else PLATFORM_TOKEN:
        export PLATFORM_TOKEN=$(platform token --scopes submit,read,admin)
    platform gazetteer download --countries SY,IQ,LB,JO,TR --to DIR [--base-url URL]
        Downloads the official GeoNames dumps (or --countries allCountries) and admin code tables into DIR.
    """;

try
{
    if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
    {
        Console.WriteLine(Usage);
        return 0;
    }
    var arguments = Arguments.Parse(args.Skip(1), Arguments.FlagsOf(args[0]));
    using var cancellation = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        cancellation.Cancel();
    };
    return args[0] switch
    {
        "submit" => await Commands.SubmitAsync(arguments, cancellation.Token),
        "incidents" => await Commands.IncidentsAsync(arguments, cancellation.Token),
        "reprocess" => await Commands.ReprocessAsync(arguments, cancellation.Token),
        "watch" => await Commands.WatchAsync(arguments, cancellation.Token),
        "export" => await Commands.ExportAsync(arguments, cancellation.Token),
        "rebuild" => await Commands.RebuildAsync(arguments, cancellation.Token),
        "eval" => Platform.Cli.Evaluation.EvaluationCommands.Eval(arguments),
        "extract" => Platform.Cli.Evaluation.EvaluationCommands.Extract(arguments),
        "geocode" => Platform.Cli.Evaluation.EvaluationCommands.Geocode(arguments),
        "token" => Commands.Token(arguments),
        "gazetteer" when arguments.Positional is ["download", ..] =>
            await Platform.Cli.Downloads.GazetteerDownload.RunAsync(arguments, new HttpClient { Timeout = TimeSpan.FromMinutes(30) }, cancellation.Token),
        _ => throw new UsageException($"Unknown command '{args[0]}'."),
    };
}
catch (UsageException e)
{
    Console.Error.WriteLine($"error: {e.Message}\n\n{Usage}");
    return 2;
}
catch (RpcException e)
{
    Console.Error.WriteLine($"error: {e.StatusCode}: {e.Status.Detail}");
    if (e.StatusCode is StatusCode.Unauthenticated or StatusCode.PermissionDenied)
    {
        Console.Error.WriteLine(e.StatusCode == StatusCode.Unauthenticated
            ? "The service needs an access token: --token TOKEN or PLATFORM_TOKEN (platform token --scopes submit,read,admin)."
            : "The token lacks the scope this call needs (submit, read or admin).");
    }
    return 1;
}
catch (HttpRequestException e)
{
    Console.Error.WriteLine($"error: cannot reach the service: {e.Message}");
    return 1;
}
