using System.Text.Json;
using Platform.Cli.Evaluation;
using Platform.Extraction.Engine;
using Platform.Geocoding.Engine;
using Platform.Testing;

namespace Platform.Cli.Tests;

/// <summary>Extraction then geocoding on sentences written the way real reports and event notes write them.</summary>
public sealed class PipelineFixture
{
    public ArticlePipeline Pipeline { get; } =
        new(new IncidentExtractor(), new Geocoder(Gazetteer.Load(new GazetteerOptions { Directory = RepositoryPaths.Gazetteer }), EvaluationCommands.DefaultFocus));
}

public class PlaceHandlingTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    private GoldIncident One(string language, string text) =>
        fixture.Pipeline.Process(new GoldArticle { Id = "t", Language = language, Published = "2019-05-02", Text = text }).ShouldHaveSingleItem();

    [Theory]
    [InlineData("en", "On 1 May 2019, regime forces shelled Al-Sirmaniyah town in Hama countryside.", 164077L, 1)]
    [InlineData("ar", "قصفت قوات النظام بلدة السرمانية في ريف حماة الشمالي.", 164077L, 1)]
    [InlineData("en", "Clashes took place between regime forces and rebels in Jbine in the northern Hama countryside.", 168940L, 1)]
    [InlineData("en", "On 1 May 2019, QSD fighters clashed with IS near Ein Issa in Ar-Raqqa.", 172134L, 2)]
    public void The_place_is_the_most_specific_name_the_sentence_gives(string language, string text, long geonameId, int precision)
    {
        var location = One(language, text).Location.ShouldNotBeNull();

        location.GeonameId.ShouldBe(geonameId);
        location.Precision.ShouldBe(precision);
    }

    [Theory]
    [InlineData("en", "On 1 May 2019, regime forces shelled Zzyzx village in Hama countryside.", 170017L, 2)]
    [InlineData("ar", "اشتباكات بين قوات النظام وفصائل المعارضة في ريف إدلب الجنوبي.", 169389L, 2)]
    public void An_unknown_place_in_a_countryside_is_the_countryside_with_precision_2(string language, string text, long geonameId, int precision)
    {
        var location = One(language, text).Location.ShouldNotBeNull();

        location.GeonameId.ShouldBe(geonameId);
        location.Precision.ShouldBe(precision);
    }

    [Fact]
    public void A_place_no_cue_introduces_is_still_found()
    {
        var incident = One("en", "On 25 January 2020, regime forces captured Saraqib following clashes with rebel factions.");

        incident.Location.ShouldNotBeNull().GeonameId.ShouldBe(164816);
        incident.PlaceRule.ShouldNotBeNull().ShouldStartWith("mention");
    }

    [Theory]
    [InlineData("On 25 May 2020, members of Sultan Murad Division clashed with local gunmen in the city of Al Bab.", "Al Bab")]
    [InlineData("The Syrian army clashed with Al-Rahman Corps fighters in Jobar in Damascus.", "Jobar")]
    public void The_names_of_armed_groups_are_not_places(string text, string place)
    {
        var incident = One("en", text);

        incident.PlaceRule.ShouldNotBeNull().ShouldContain(place);
    }

    [Fact]
    public void An_abbreviation_is_not_a_place()
    {
        var incident = One("en", "Clashes took place between QSD and IS in Basira in Deir-ez-Zor.");

        incident.Location.ShouldNotBeNull().Name.ShouldNotBe("Ash Shaykh ‘Īsá");
        incident.PlaceRule.ShouldNotBeNull().ShouldContain("Basira");
    }
}

public class ErrorAnalysisTests
{
    private static GoldIncident Incident(string type, string name, double latitude, double longitude, string day = "2020-01-02") => new()
    {
        EventType = type,
        Location = new GoldLocation { Name = name, Latitude = latitude, Longitude = longitude, Precision = 1 },
        Date = new GoldDate { Start = day, End = day },
    };

    [Fact]
    public void Misses_spurious_and_misplaced_incidents_each_say_why()
    {
        GoldIncident[] gold =
        [
            Incident("Battles", "Saraqib", 35.8646, 36.8006),
            Incident("Battles", "Manbij", 36.5281, 37.9549),
            Incident("Protests", "Qamishli", 37.0522, 41.2317),
        ];
        GoldIncident[] predicted =
        [
            Incident("Battles", "Saraqib", 35.87, 36.80),
            Incident("Battles", "Manbij", 33.0, 36.0),
            Incident("Explosions/Remote violence", "Qamishli", 37.0522, 41.2317),
        ];
        var result = Scorer.ScoreArticle("en", gold, predicted);

        var errors = ErrorAnalysis.Explain("a1", gold, predicted, result);

        errors.ShouldContain(e => e.Kind == "missed" && e.Gold!.Location!.Name == "Manbij" && e.Reason.StartsWith("wrong homonym at", StringComparison.Ordinal));
        errors.ShouldContain(e => e.Kind == "missed" && e.Gold!.Location!.Name == "Qamishli" && e.Reason.StartsWith("type differs", StringComparison.Ordinal));
        errors.ShouldContain(e => e.Kind == "spurious" && e.Predicted!.EventType == "Explosions/Remote violence");
        errors.ShouldNotContain(e => e.Gold != null && e.Gold.Location!.Name == "Saraqib" && e.Kind == "missed");
        result.Located.Count.ShouldBe(2);
    }

    [Fact]
    public void An_article_without_predictions_misses_for_want_of_a_trigger()
    {
        GoldIncident[] gold = [Incident("Battles", "Saraqib", 35.8646, 36.8006)];

        var errors = ErrorAnalysis.Explain("a1", gold, [], Scorer.ScoreArticle("en", gold, []));

        errors.ShouldHaveSingleItem().Reason.ShouldBe("no trigger");
    }

    [Fact]
    public void Eval_writes_the_json_and_the_errors_file_it_is_given()
    {
        var gold = Path.Combine(Path.GetTempPath(), $"gold-{Guid.NewGuid():N}.jsonl");
        var json = Path.Combine(Path.GetTempPath(), $"eval-{Guid.NewGuid():N}.json");
        var errors = Path.Combine(Path.GetTempPath(), $"errors-{Guid.NewGuid():N}.jsonl");
        try
        {
            File.WriteAllLines(gold,
            [
                """{"id":"g1","lang":"en","published":"2019-06-15","text":"Government forces shelled the town of Saraqib on Saturday, killing two civilians.","incidents":[{"event_type":"Explosions/Remote violence","sub_event_type":"Shelling/artillery/missile attack","actors":["syrian-government","civilians"],"location":{"name":"Saraqib","geonameid":164816,"lat":35.8646,"lon":36.8006,"precision":1},"date":{"start":"2019-06-15","end":"2019-06-15"},"fatalities":2}]}""",
                """{"id":"g2","lang":"en","published":"2019-06-15","text":"The weather was fine in Aleppo on Saturday.","incidents":[{"event_type":"Battles","sub_event_type":"Armed clash","actors":[],"location":{"name":"Aleppo","geonameid":170063,"lat":36.20124,"lon":37.16117,"precision":1},"date":{"start":"2019-06-15","end":"2019-06-15"}}]}""",
            ]);
            // As the command line parses it: "--json" takes a file for eval (it is a switch for the incident commands).
            var arguments = Arguments.Parse(["--gold", gold, "--gazetteer", RepositoryPaths.Gazetteer, "--json", json, "--errors", errors], Arguments.FlagsOf("eval"));

            EvaluationCommands.Eval(arguments).ShouldBe(0);

            using var document = JsonDocument.Parse(File.ReadAllText(json));
            document.RootElement.GetProperty("true_positives").GetInt32().ShouldBe(1);
            document.RootElement.GetProperty("located_within_10km").GetDouble().ShouldBe(1);
            var error = JsonSerializer.Deserialize<EvaluationError>(File.ReadAllLines(errors).ShouldHaveSingleItem(), JsonLines.Options)!;
            error.Article.ShouldBe("g2");
            error.Kind.ShouldBe("missed");
            error.Reason.ShouldBe("no trigger");
        }
        finally
        {
            File.Delete(gold);
            File.Delete(json);
            File.Delete(errors);
        }
    }

    [Fact]
    public void Json_is_a_switch_for_the_incident_commands_and_takes_a_value_for_eval()
    {
        Arguments.Parse(["--json", "out.json"], Arguments.FlagsOf("eval")).Get("json").ShouldBe("out.json");
        Arguments.Parse(["--json"], Arguments.FlagsOf("incidents")).Has("json").ShouldBeTrue();
    }
}
