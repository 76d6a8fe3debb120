using Platform.Extraction.Engine;

namespace Platform.Extraction.Tests;

/// <summary>How reports place and tell protests and bombings: "residents of X", "in the centre of X", "staged a demonstration".</summary>
public class ReportedPhrasingTests
{
    private static readonly IncidentExtractor Extractor = new();

    private static IncidentFound One(string text, string language) =>
        Extractor.Extract(new ExtractionInput(text, language, new DateOnly(2020, 3, 13))).ShouldHaveSingleItem();

    [Theory]
    [InlineData("Residents of Qamishli staged a demonstration on Thursday.")]
    [InlineData("Dozens of people held a protest in Qamishli on Thursday against the arrest of 4 young men.")]
    [InlineData("Hundreds of people took to the streets in Qamishli on Thursday.")]
    public void A_demonstration_someone_staged_or_held_is_a_protest(string text)
    {
        var incident = One(text, "en");

        incident.EventType.ShouldBe("Protests");
        incident.Places[0].ShouldSatisfyAllConditions(p => p.Name.ShouldBe("Qamishli"), p => p.Relation.ShouldBe("in"));
    }

    [Fact]
    public void A_demonstration_only_planned_or_talked_about_is_none()
    {
        Extractor.Extract(new ExtractionInput("The governor said the demonstration had nothing to do with the reassignment.", "en", new DateOnly(2020, 3, 13)))
            .ShouldBeEmpty();
    }

    [Fact]
    public void The_people_of_a_town_put_their_protest_in_it()
    {
        var incident = One("تظاهر العشرات من أهالي القامشلي يوم الخميس احتجاجا على اعتقال 4 شبان.", "ar");

        incident.EventType.ShouldBe("Protests");
        incident.Places[0].ShouldSatisfyAllConditions(p => p.Name.ShouldBe("القامشلي"), p => p.Relation.ShouldBe("in"));
    }

    [Fact]
    public void A_bombing_in_the_centre_of_a_town_is_in_the_town()
    {
        var incident = One("A car bomb exploded in the centre of al-Tabqa on Thursday, killing 5 people.", "en");

        incident.Places[0].ShouldSatisfyAllConditions(p => p.Name.ShouldBe("al-Tabqa"), p => p.Relation.ShouldBe("in"));
    }
}
