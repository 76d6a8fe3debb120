using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Extraction.Engine;
using Platform.Geocoding.Engine;

namespace Platform.Cli.Evaluation;

public static class EvaluationCommands
{
    /// <summary>platform eval --gold FILE [--gazetteer DIR] [--json OUT] [--errors OUT.jsonl] | platform eval --gsr DIR [--json OUT]</summary>
    public static int Eval(Arguments arguments)
    {
        if (arguments.Get("gsr") is { } gsr)
        {
            return EvalGsr(gsr, arguments.Get("json"), CreateExtractor(arguments), arguments.Has("ceiling"));
        }
        var goldPath = arguments.Get("gold") ?? throw new UsageException("eval needs --gold FILE.jsonl or --gsr DIR.");
        if (!File.Exists(goldPath))
        {
            throw new UsageException($"No gold file '{goldPath}'.");
        }
        var pipeline = CreatePipeline(arguments);
        var results = new List<Scorer.ArticleResult>();
        var errors = new List<EvaluationError>();
        var clock = Stopwatch.StartNew();
        foreach (var article in JsonLines.Read<GoldArticle>(goldPath))
        {
            var predicted = pipeline.Process(article);
            var result = Scorer.ScoreArticle(article.Language, article.Incidents, predicted);
            results.Add(result);
            errors.AddRange(ErrorAnalysis.Explain(article.Id, article.Incidents, predicted, result));
        }
        clock.Stop();
        var overall = Scorer.Aggregate(results);
        var byLanguage = results.GroupBy(r => r.Language).OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => Scorer.Aggregate(g.ToList()));

        PrintTable(overall, byLanguage);
        Console.WriteLine($"extractor {pipeline.ExtractorVersion}, geocoder {Geocoder.Version}; {results.Count} articles in {clock.ElapsedMilliseconds} ms");
        if (arguments.Get("json") is { } jsonPath)
        {
            var document = ToJson(overall);
            var languages = new JsonObject();
            foreach (var (language, scores) in byLanguage)
            {
                languages[language] = ToJson(scores);
            }
            document["by_lang"] = languages;
            document["extractor_version"] = pipeline.ExtractorVersion;
            document["geocoder_version"] = Geocoder.Version;
            File.WriteAllText(jsonPath, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            Console.WriteLine($"wrote {jsonPath}");
        }
        if (arguments.Get("errors") is { } errorsPath)
        {
            using var writer = new StreamWriter(errorsPath);
            foreach (var error in errors)
            {
                writer.WriteLine(JsonSerializer.Serialize(error, JsonLines.Options));
            }
            var byKind = errors.GroupBy(e => e.Kind).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}");
            Console.WriteLine($"wrote {errors.Count} errors ({string.Join(", ", byKind)}) to {errorsPath}");
        }
        return 0;
    }

    /// <summary>platform extract --input ARTICLES.jsonl --output PREDICTIONS.jsonl [--gazetteer DIR]</summary>
    public static int Extract(Arguments arguments)
    {
        var input = arguments.Get("input") ?? throw new UsageException("extract needs --input FILE.jsonl.");
        var output = arguments.Get("output") ?? throw new UsageException("extract needs --output FILE.jsonl.");
        if (!File.Exists(input))
        {
            throw new UsageException($"No input file '{input}'.");
        }
        var pipeline = CreatePipeline(arguments);
        var count = 0;
        using (var writer = new StreamWriter(output))
        {
            foreach (var article in JsonLines.Read<GoldArticle>(input))
            {
                var prediction = new ArticlePrediction { Id = article.Id, Incidents = pipeline.Process(article) };
                writer.WriteLine(JsonSerializer.Serialize(prediction, JsonLines.Options));
                count++;
            }
        }
        Console.WriteLine($"wrote {count} articles to {output}");
        return 0;
    }

    /// <summary>
    /// platform geocode NAME [--relation in] [--hint NAME]... : resolves one mention and prints the place, the rule that
    /// chose it and the runners-up (what an analyst checks when a place looks wrong).
    /// </summary>
    public static int Geocode(Arguments arguments)
    {
        if (arguments.Positional.Count == 0)
        {
            throw new UsageException("geocode needs a place name.");
        }
        var geocoder = CreateGeocoder(arguments);
        var mentions = arguments.Positional.Select((name, i) => new PlaceQuery(name, i == 0 ? arguments.Get("relation", "in") : "in",
            i == 0 && arguments.Get("hint") is { } hint ? hint.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : [])).ToList();
        if (geocoder.ResolveArticle([mentions])[0] is not { } result)
        {
            Console.WriteLine("no place");
            return 1;
        }
        var place = result.Place;
        Console.WriteLine($"{place.Name} ({place.GeonameId}) {place.Latitude:0.#####},{place.Longitude:0.#####} {place.CountryCode} " +
            $"{result.Admin1Name} / {result.Admin2Name}, {place.FeatureClass}.{place.FeatureCode}, precision {result.Precision}, confidence {result.Confidence:0.00}");
        Console.WriteLine($"rule: {result.Rule}; mention \"{result.Mention}\", matched \"{result.MatchedText}\"");
        foreach (var runnerUp in result.RunnersUp)
        {
            Console.WriteLine($"runner-up: {runnerUp.Name} ({runnerUp.GeonameId}) {runnerUp.CountryCode}.{runnerUp.Admin1Code} {runnerUp.FeatureCode}");
        }
        return 0;
    }

    private static int EvalGsr(string directory, string? jsonPath, IncidentExtractor extractor, bool ceiling)
    {
        var document = new JsonObject();
        var corpora = new List<(string Category, List<GsrEvaluation.Sentence> Sentences)>();
        Console.WriteLine($"{"category",-10} {"positives",9} {"negatives",9} {"TP",5} {"FP",5} {"precision",9} {"recall",7} {"F1",6}");
        foreach (var (category, file) in new[] { ("ASSAULT", "assault_gsr.csv"), ("PROTEST", "protest_gsr.csv") })
        {
            var sentences = GsrEvaluation.Read(Path.Combine(directory, file));
            corpora.Add((category, sentences));
            var scores = GsrEvaluation.Score(category, sentences, extractor);
            Console.WriteLine($"{category,-10} {scores.Positives,9} {scores.Negatives,9} {scores.TruePositives,5} {scores.FalsePositives,5} " +
                $"{GsrEvaluation.Percent(scores.Precision),9} {GsrEvaluation.Percent(scores.Recall),7} {GsrEvaluation.Percent(scores.F1),6}");
            document[category.ToLowerInvariant()] = new JsonObject
            {
                ["positives"] = scores.Positives,
                ["negatives"] = scores.Negatives,
                ["true_positives"] = scores.TruePositives,
                ["false_positives"] = scores.FalsePositives,
                ["precision"] = scores.Precision,
                ["recall"] = scores.Recall,
                ["f1"] = scores.F1,
            };
        }
        if (ceiling)
        {
            Console.WriteLine();
            Console.WriteLine("ceiling: a bag-of-words model fitted to the corpus, five-fold cross-validated");
            Console.WriteLine($"{"category",-10} {"best F1",8} {"at P",6} {"at R",6} {"best P at R>=0.8",17}");
            foreach (var (category, sentences) in corpora)
            {
                var result = GsrCeiling.Measure(category, sentences);
                Console.WriteLine($"{category,-10} {GsrEvaluation.Percent(result.BestF1),8} {GsrEvaluation.Percent(result.PrecisionAtBestF1),6} " +
                    $"{GsrEvaluation.Percent(result.RecallAtBestF1),6} {GsrEvaluation.Percent(result.BestPrecisionAtRecall80),17}");
                ((JsonObject)document[category.ToLowerInvariant()]!)["ceiling"] = new JsonObject
                {
                    ["best_f1"] = result.BestF1,
                    ["precision_at_best_f1"] = result.PrecisionAtBestF1,
                    ["recall_at_best_f1"] = result.RecallAtBestF1,
                    ["best_precision_at_recall_0_8"] = result.BestPrecisionAtRecall80,
                };
            }
        }
        if (jsonPath is not null)
        {
            document["extractor_version"] = extractor.OutputVersion;
            File.WriteAllText(jsonPath, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            Console.WriteLine($"wrote {jsonPath}");
        }
        return 0;
    }

    /// <summary>
    /// The built-in extractor, or with --lexicons DIR one whose lexicon files in DIR replace the built-in ones of
    /// the same name (a change to try before it is deployed); its output is stamped "lexicons:DIR".
    /// </summary>
    private static IncidentExtractor CreateExtractor(Arguments arguments)
    {
        if (arguments.Get("lexicons") is not { } directory)
        {
            return new IncidentExtractor();
        }
        try
        {
            return new IncidentExtractor(Lexicon.Load(directory), $"lexicons:{Path.GetFullPath(directory)}");
        }
        catch (Exception e) when (e is DirectoryNotFoundException or InvalidDataException)
        {
            throw new UsageException(e.Message);
        }
    }

    private static ArticlePipeline CreatePipeline(Arguments arguments) =>
        new(CreateExtractor(arguments), CreateGeocoder(arguments));

    /// <summary>
    /// The geocoder as the service runs it: --focus CC is the country an article is taken to be about when nothing in it
    /// says (SY, as in the service's appsettings.json); --focus none for no such prior.
    /// </summary>
    private static Geocoder CreateGeocoder(Arguments arguments)
    {
        var focus = arguments.Get("focus", DefaultFocus).Trim().ToUpperInvariant();
        return new Geocoder(LoadGazetteer(arguments), focus is "" or "NONE" ? null : focus);
    }

    public const string DefaultFocus = "SY";

    private static Gazetteer LoadGazetteer(Arguments arguments)
    {
        var directory = arguments.Get("gazetteer")
            ?? Environment.GetEnvironmentVariable("PLATFORM_GAZETTEER_DIR")
            ?? DefaultGazetteer()
            ?? throw new UsageException("No gazetteer: give --gazetteer DIR (GeoNames files such as SY.txt) or set PLATFORM_GAZETTEER_DIR.");
        try
        {
            return Gazetteer.Load(new GazetteerOptions { Directory = directory });
        }
        catch (InvalidOperationException e)
        {
            throw new UsageException(e.Message);
        }
    }

    // In a checkout, the shared data folder sits beside it: ../shared/gazetteer from the repository root.
    private static string? DefaultGazetteer()
    {
        for (var directory = new DirectoryInfo(Environment.CurrentDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Platform.sln")))
            {
                var candidate = Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "gazetteer"));
                return Directory.Exists(candidate) ? candidate : null;
            }
        }
        return null;
    }

    private static JsonObject ToJson(Scores scores) => new()
    {
        ["incident_precision"] = scores.IncidentPrecision,
        ["incident_recall"] = scores.IncidentRecall,
        ["incident_f1"] = scores.IncidentF1,
        ["sub_event_accuracy"] = scores.SubEventAccuracy,
        ["actor_f1"] = scores.ActorF1,
        ["fatalities_exact"] = scores.FatalitiesExact,
        ["fatalities_exact_with_deaths"] = scores.FatalitiesExactWithDeaths,
        ["pairs_with_deaths"] = scores.PairsWithDeaths,
        ["location_within_1km"] = scores.LocationWithin1Km,
        ["location_within_10km"] = scores.LocationWithin10Km,
        ["location_error_km_median"] = scores.LocationErrorKmMedian,
        ["location_error_km_p90"] = scores.LocationErrorKmP90,
        ["located_pairs"] = scores.LocatedPairs,
        ["located_within_1km"] = scores.LocatedWithin1Km,
        ["located_within_10km"] = scores.LocatedWithin10Km,
        ["located_without_place"] = scores.LocatedWithoutPlace,
        ["articles"] = scores.Articles,
        ["gold_incidents"] = scores.GoldIncidents,
        ["predicted_incidents"] = scores.PredictedIncidents,
        ["true_positives"] = scores.TruePositives,
        ["false_positives"] = scores.FalsePositives,
        ["false_negatives"] = scores.FalseNegatives,
    };

    private static void PrintTable(Scores overall, IReadOnlyDictionary<string, Scores> byLanguage)
    {
        var columns = new List<(string Name, Scores Scores)> { ("all", overall) };
        columns.AddRange(byLanguage.Select(pair => (pair.Key, pair.Value)));
        Console.WriteLine($"{"metric",-26}" + string.Concat(columns.Select(c => $"{c.Name,10}")));
        void Row(string name, Func<Scores, string> value) =>
            Console.WriteLine($"{name,-26}" + string.Concat(columns.Select(c => $"{value(c.Scores),10}")));
        Row("articles", s => s.Articles.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Row("gold incidents", s => s.GoldIncidents.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Row("predicted incidents", s => s.PredictedIncidents.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Row("TP / FP / FN", s => $"{s.TruePositives}/{s.FalsePositives}/{s.FalseNegatives}");
        Row("incident precision", s => Scorer.Format(s.IncidentPrecision));
        Row("incident recall", s => Scorer.Format(s.IncidentRecall));
        Row("incident F1", s => Scorer.Format(s.IncidentF1));
        Row("sub-event accuracy", s => Scorer.Format(s.SubEventAccuracy));
        Row("actor F1", s => Scorer.Format(s.ActorF1));
        Row("fatalities exact", s => Scorer.Format(s.FatalitiesExact));
        Row("  where gold has deaths", s => $"{Scorer.Format(s.FatalitiesExactWithDeaths)} ({s.PairsWithDeaths})");
        Row("location within 1 km", s => Scorer.Format(s.LocationWithin1Km));
        Row("location within 10 km", s => Scorer.Format(s.LocationWithin10Km));
        Row("location error median km", s => Scorer.Format(s.LocationErrorKmMedian));
        Row("location error p90 km", s => Scorer.Format(s.LocationErrorKmP90));
        Console.WriteLine("matched on type and date only, wherever placed:");
        Row("  pairs", s => s.LocatedPairs.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Row("  within 1 km", s => Scorer.Format(s.LocatedWithin1Km));
        Row("  within 10 km", s => Scorer.Format(s.LocatedWithin10Km));
        Row("  without a place", s => Scorer.Format(s.LocatedWithoutPlace));
    }
}
