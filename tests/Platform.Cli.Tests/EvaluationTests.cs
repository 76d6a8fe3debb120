using System.Text.Json;
using Platform.Cli.Evaluation;
using Platform.Testing;

namespace Platform.Cli.Tests;

/// <summary>The eval and extract commands on the shared data, with the quality floor the dev set must keep.</summary>
public class EvaluationTests
{
    [Fact]
    public void Dev_set_meets_the_extraction_targets_and_the_json_has_every_key()
    {
        var json = Path.Combine(Path.GetTempPath(), $"eval-{Guid.NewGuid():N}.json");
        try
        {
            var exit = EvaluationCommands.Eval(Arguments.Parse(["--gold", RepositoryPaths.GoldDev, "--gazetteer", RepositoryPaths.Gazetteer, "--json", json], new HashSet<string>()));

            exit.ShouldBe(0);
            using var document = JsonDocument.Parse(File.ReadAllText(json));
            var root = document.RootElement;
            string[] keys =
            [
                "incident_precision", "incident_recall", "incident_f1", "sub_event_accuracy", "actor_f1", "fatalities_exact",
                "location_within_1km", "location_within_10km", "location_error_km_median", "location_error_km_p90",
                "articles", "gold_incidents", "predicted_incidents",
            ];
            foreach (var scope in new[] { root, root.GetProperty("by_lang").GetProperty("ar"), root.GetProperty("by_lang").GetProperty("en") })
            {
                foreach (var key in keys)
                {
                    scope.TryGetProperty(key, out _).ShouldBeTrue(key);
                }
            }
            root.GetProperty("incident_f1").GetDouble().ShouldBeGreaterThanOrEqualTo(0.9);
            root.GetProperty("sub_event_accuracy").GetDouble().ShouldBeGreaterThanOrEqualTo(0.9);
            root.GetProperty("actor_f1").GetDouble().ShouldBeGreaterThanOrEqualTo(0.85);
            root.GetProperty("fatalities_exact").GetDouble().ShouldBeGreaterThanOrEqualTo(0.9);
            root.GetProperty("location_within_1km").GetDouble().ShouldBeGreaterThanOrEqualTo(0.9);
            root.GetProperty("articles").GetInt32().ShouldBe(File.ReadLines(RepositoryPaths.GoldDev).Count(l => l.Trim().Length > 0));
        }
        finally
        {
            File.Delete(json);
        }
    }

    [Fact]
    public void Extract_with_changed_lexicons_uses_them_and_stamps_their_directory()
    {
        var input = Path.Combine(Path.GetTempPath(), $"in-{Guid.NewGuid():N}.jsonl");
        var output = Path.Combine(Path.GetTempPath(), $"out-{Guid.NewGuid():N}.jsonl");
        var lexicons = Directory.CreateTempSubdirectory("platform-lexicon-");
        try
        {
            File.WriteAllLines(input, ["""{"id":"a1","lang":"en","published":"2020-04-14","text":"Fighters of the Manbij Military Council clashed with ISIS fighters near the town of Manbij on Monday."}"""]);
            File.WriteAllLines(Path.Combine(lexicons.FullName, "actors.tsv"),
                Platform.Extraction.Engine.Lexicon.ReadRows("actors.tsv", 3).Select(row => string.Join('\t', row)).Append("sdf\ten\tManbij Military Council"));

            EvaluationCommands.Extract(Arguments.Parse(["--input", input, "--output", output, "--gazetteer", RepositoryPaths.Gazetteer, "--lexicons", lexicons.FullName],
                new HashSet<string>())).ShouldBe(0);

            var incident = JsonSerializer.Deserialize<ArticlePrediction>(File.ReadAllLines(output)[0], JsonLines.Options)!.Incidents.ShouldHaveSingleItem();
            incident.Actors.ShouldBe(["isis", "sdf"], ignoreOrder: true);
            incident.ExtractorVersion.ShouldBe($"lexicons:{lexicons.FullName}");
            Should.Throw<UsageException>(() => EvaluationCommands.Extract(Arguments.Parse(
                ["--input", input, "--output", output, "--gazetteer", RepositoryPaths.Gazetteer, "--lexicons", "/nonexistent/lexicons"], new HashSet<string>())))
                .Message.ShouldContain("/nonexistent/lexicons");
        }
        finally
        {
            File.Delete(input);
            File.Delete(output);
            lexicons.Delete(recursive: true);
        }
    }

    [Fact]
    public void Extract_writes_one_line_per_article_in_the_gold_shape()
    {
        var input = Path.Combine(Path.GetTempPath(), $"in-{Guid.NewGuid():N}.jsonl");
        var output = Path.Combine(Path.GetTempPath(), $"out-{Guid.NewGuid():N}.jsonl");
        try
        {
            File.WriteAllLines(input,
            [
                """{"id":"a1","lang":"en","published":"2020-02-04","text":"Government forces shelled the town of Saraqib on Monday, killing two civilians.","ignored":1}""",
                """{"id":"a2","lang":"ar","published":"2023-02-06","text":"ضرب زلزال شمال سوريا اليوم."}""",
            ]);

            EvaluationCommands.Extract(Arguments.Parse(["--input", input, "--output", output, "--gazetteer", RepositoryPaths.Gazetteer], new HashSet<string>())).ShouldBe(0);

            var lines = File.ReadAllLines(output);
            lines.Length.ShouldBe(2);
            var first = JsonSerializer.Deserialize<ArticlePrediction>(lines[0], JsonLines.Options)!;
            first.Id.ShouldBe("a1");
            var incident = first.Incidents.ShouldHaveSingleItem();
            incident.EventType.ShouldBe("Explosions/Remote violence");
            incident.Location!.GeonameId.ShouldBe(164816);
            incident.Date!.Start.ShouldBe("2020-02-03");
            incident.Fatalities.ShouldBe(2);
            incident.Actors.ShouldContain("syrian-government");
            JsonSerializer.Deserialize<ArticlePrediction>(lines[1], JsonLines.Options)!.Incidents.ShouldBeEmpty();
        }
        finally
        {
            File.Delete(input);
            File.Delete(output);
        }
    }

    [Fact]
    public void A_malformed_input_line_is_an_error_naming_the_line()
    {
        var input = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():N}.jsonl");
        try
        {
            File.WriteAllLines(input, ["""{"id":"ok","lang":"en","published":"2020-01-01","text":"x"}""", "{not json"]);

            Should.Throw<UsageException>(() => EvaluationCommands.Extract(Arguments.Parse(
                    ["--input", input, "--output", input + ".out", "--gazetteer", RepositoryPaths.Gazetteer], new HashSet<string>())))
                .Message.ShouldContain(":2:");
        }
        finally
        {
            File.Delete(input);
            File.Delete(input + ".out");
        }
    }

    [Fact]
    public void Gsr_sentences_are_read_with_unanimous_labels_only()
    {
        var sentences = GsrEvaluation.Read(Path.Combine(RepositoryPaths.Shared, "corpora", "arabic_event_gsr", "protest_gsr.csv"));

        sentences.Count(s => s.Positive).ShouldBe(97);
        sentences.Count(s => !s.Positive).ShouldBe(1720);
    }
}
