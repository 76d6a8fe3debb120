using Platform.Cli.Evaluation;

namespace Platform.Cli.Tests;

public class ScorerTests
{
    private static GoldIncident Incident(string eventType, double lat, double lon, string start, string end, int? fatalities = null,
        string subEvent = "Armed clash", bool optional = false, params string[] actors) => new()
    {
        EventType = eventType,
        SubEventType = subEvent,
        Actors = [.. actors],
        Location = new GoldLocation { Name = "x", Latitude = lat, Longitude = lon, Precision = 1 },
        Date = new GoldDate { Start = start, End = end },
        Fatalities = fatalities,
        Optional = optional,
    };

    [Fact]
    public void Matching_needs_the_same_event_type_a_place_within_25_km_and_overlapping_dates()
    {
        var gold = Incident("Battles", 35.5, 40.6, "2020-01-24", "2020-01-24");

        Scorer.Matches(gold, Incident("Battles", 35.6, 40.6, "2020-01-24", "2020-01-24"), out var near).ShouldBeTrue();
        near.ShouldBe(11.1, 0.2);
        Scorer.Matches(gold, Incident("Protests", 35.5, 40.6, "2020-01-24", "2020-01-24"), out _).ShouldBeFalse();
        Scorer.Matches(gold, Incident("Battles", 35.8, 40.6, "2020-01-24", "2020-01-24"), out _).ShouldBeFalse();
        Scorer.Matches(gold, Incident("Battles", 35.5, 40.6, "2020-01-20", "2020-01-23"), out _).ShouldBeFalse();
        Scorer.Matches(gold, Incident("Battles", 35.5, 40.6, "2020-01-20", "2020-01-24"), out _).ShouldBeTrue();
        Scorer.Matches(gold, Incident("Battles", 35.5, 40.6, "2020-01-24", "2020-01-24") with { Location = null }, out _).ShouldBeFalse();
    }

    [Fact]
    public void Matching_is_one_to_one_closest_first()
    {
        List<GoldIncident> gold = [Incident("Battles", 35.5, 40.6, "2020-01-24", "2020-01-24"), Incident("Battles", 35.55, 40.6, "2020-01-24", "2020-01-24")];
        List<GoldIncident> predicted = [Incident("Battles", 35.55, 40.6, "2020-01-24", "2020-01-24")];

        var result = Scorer.ScoreArticle("ar", gold, predicted);

        result.Pairs.ShouldHaveSingleItem().DistanceKm.ShouldBe(0, 1e-9);
        result.FalseNegatives.ShouldBe(1);
        result.FalsePositives.ShouldBe(0);
    }

    [Fact]
    public void Optional_gold_is_neither_missed_nor_a_false_positive_when_found()
    {
        List<GoldIncident> gold = [Incident("Battles", 35.5, 40.6, "2020-01-24", "2020-01-24", optional: true)];

        Scorer.ScoreArticle("ar", gold, []).FalseNegatives.ShouldBe(0);
        var found = Scorer.ScoreArticle("ar", gold, [Incident("Battles", 35.5, 40.6, "2020-01-24", "2020-01-24")]);
        found.FalsePositives.ShouldBe(0);
        found.Pairs.ShouldBeEmpty();
    }

    [Fact]
    public void Aggregate_scores_precision_recall_and_the_attributes_of_matched_pairs()
    {
        var gold = new List<GoldIncident>
        {
            Incident("Battles", 35.5, 40.6, "2020-01-24", "2020-01-24", 2, "Armed clash", false, "sdf", "isis"),
            Incident("Protests", 36.0, 38.0, "2020-01-24", "2020-01-24", 0, "Peaceful protest", false, "protesters"),
        };
        var predicted = new List<GoldIncident>
        {
            Incident("Battles", 35.5, 40.6, "2020-01-24", "2020-01-24", 2, "Armed clash", false, "sdf"),
            Incident("Battles", 30.0, 40.0, "2020-01-24", "2020-01-24"),
        };

        var scores = Scorer.Aggregate([Scorer.ScoreArticle("ar", gold, predicted)]);

        scores.IncidentPrecision.ShouldBe(0.5);
        scores.IncidentRecall.ShouldBe(0.5);
        scores.IncidentF1.ShouldBe(0.5);
        scores.SubEventAccuracy.ShouldBe(1);
        scores.FatalitiesExact.ShouldBe(1);
        scores.ActorF1.ShouldBe(2.0 / 3, 1e-9);
        scores.LocationWithin1Km.ShouldBe(1);
    }

    [Fact]
    public void Percentiles_use_the_nearest_rank()
    {
        double[] sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

        Scorer.Percentile(sorted, 0.5).ShouldBe(5);
        Scorer.Percentile(sorted, 0.9).ShouldBe(9);
        Scorer.Percentile([], 0.9).ShouldBe(0);
    }
}

public class GsrReadingTests
{
    [Fact]
    public void Csv_fields_may_hold_commas_quotes_and_line_breaks()
    {
        var rows = GsrEvaluation.ParseCsv("a,b,c\n1,\"x, \"\"y\"\"\nz\",3\n");

        rows.Count.ShouldBe(2);
        rows[1].ShouldBe(["1", "x, \"y\"\nz", "3"]);
    }
}

public class OptionalMatchingTests
{
    [Fact]
    public void An_optional_incident_never_takes_the_prediction_a_required_one_needs()
    {
        var required = new GoldIncident { EventType = "Battles", Location = new GoldLocation { Latitude = 35.5, Longitude = 40.6 }, Date = new GoldDate { Start = "2020-01-24", End = "2020-01-24" } };
        var optional = required with { Location = new GoldLocation { Latitude = 35.51, Longitude = 40.6 }, Optional = true };
        var predicted = required with { Location = new GoldLocation { Latitude = 35.512, Longitude = 40.6 } };

        var result = Scorer.ScoreArticle("ar", [required, optional], [predicted]);

        result.Pairs.ShouldHaveSingleItem().Gold.Optional.ShouldBeFalse();
        result.FalseNegatives.ShouldBe(0);
        result.FalsePositives.ShouldBe(0);
    }
}
