using Platform.Query.Incidents;

namespace Platform.Query.Tests;

/// <summary>Given incidents on record, when a report arrives, then the ledger starts or corroborates one.</summary>
public class IncidentLedgerTests
{
    private static readonly Guid ArabicArticle = Guid.Parse("0195f0a2-0000-8000-8000-000000000001");
    private static readonly Guid EnglishArticle = Guid.Parse("0195f0a2-0000-8000-8000-000000000002");
    private static readonly Guid NewId = Guid.Parse("0195f0a2-0000-8000-8000-0000000000ff");

    private static IncidentPlace AlSur => new(172413, "Aş Şuwar", 35.50603, 40.65671, 1, "SY", "07", "Deir ez-Zor", null, null, "الصور", 0.9);

    private static IncidentReport Report(Guid article, string language, IncidentPlace? place = null, string eventType = "Battles",
        string date = "2020-01-24", string[]? actors = null, int? fatalities = 1) => new(
        eventType, "Armed clash", (actors ?? ["coalition", "sdf"]).Select(a => new IncidentActor(a, a)).ToList(),
        place ?? AlSur, DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture),
        fatalities, null,
        new IncidentSource(article, 0, "t", null, null, language, new DateOnly(2020, 1, 24), "x", "g", new IncidentEvidence(0, 1, "e"), null));

    /// <summary>The read model an incident started by <paramref name="report"/> would have.</summary>
    private static IncidentDetails OnRecord(IncidentReport report, Guid id) =>
        IncidentDetailsProjection.Create(new JasperFx.Events.Event<IncidentReported>(
            (IncidentReported)IncidentLedger.Decide(report, [], id).Event) { Timestamp = DateTimeOffset.UnixEpoch, Version = 1 });

    [Fact]
    public void Given_nothing_on_record_when_a_report_arrives_then_it_starts_an_incident()
    {
        var decision = IncidentLedger.Decide(Report(ArabicArticle, "ar"), [], NewId);

        decision.StartsStream.ShouldBeTrue();
        decision.IncidentId.ShouldBe(NewId);
        decision.Event.ShouldBeOfType<IncidentReported>().Source.ArticleId.ShouldBe(ArabicArticle);
    }

    [Fact]
    public void Given_an_Arabic_report_when_the_English_report_of_the_same_raid_arrives_then_it_corroborates_it()
    {
        var onRecord = OnRecord(Report(ArabicArticle, "ar"), Guid.NewGuid());
        var nearby = AlSur with { GeonameId = null, Latitude = 35.52, Longitude = 40.66 };

        var decision = IncidentLedger.Decide(Report(EnglishArticle, "en", nearby, actors: ["sdf", "isis"], fatalities: 2), [onRecord], NewId);

        decision.StartsStream.ShouldBeFalse();
        decision.IncidentId.ShouldBe(onRecord.Id);
        var corroborated = decision.Event.ShouldBeOfType<IncidentCorroborated>();
        corroborated.Source.Language.ShouldBe("en");
        var incident = IncidentDetailsProjection.Apply(new JasperFx.Events.Event<IncidentCorroborated>(corroborated) { Version = 2 }, onRecord);
        incident.Sources.Count.ShouldBe(2);
        incident.ArticleIds.ShouldBe([ArabicArticle, EnglishArticle]);
        incident.Fatalities.ShouldBe(2);
        incident.Actors.Select(a => a.ActorId).ShouldBe(["coalition", "sdf", "isis"]);
    }

    [Theory]
    [InlineData("Protests", "2020-01-24", 35.50603, 40.65671, "coalition")]
    [InlineData("Battles", "2020-01-27", 35.50603, 40.65671, "coalition")]
    [InlineData("Battles", "2020-01-24", 35.70, 40.65671, "coalition")]
    [InlineData("Battles", "2020-01-24", 35.50603, 40.65671, "russia")]
    public void Given_an_incident_when_a_report_differs_in_type_time_place_or_armed_actors_then_it_starts_another(
        string eventType, string date, double latitude, double longitude, string actor)
    {
        var onRecord = OnRecord(Report(ArabicArticle, "ar", actors: ["coalition"]), Guid.NewGuid());
        var place = AlSur with { GeonameId = null, Latitude = latitude, Longitude = longitude };

        var decision = IncidentLedger.Decide(Report(EnglishArticle, "en", place, eventType, date, [actor]), [onRecord], NewId);

        decision.StartsStream.ShouldBeTrue();
    }

    [Fact]
    public void Reports_one_day_apart_and_reports_naming_no_armed_actor_still_corroborate()
    {
        var onRecord = OnRecord(Report(ArabicArticle, "ar", actors: ["coalition"]), Guid.NewGuid());

        IncidentLedger.Decide(Report(EnglishArticle, "en", date: "2020-01-25", actors: ["civilians"]), [onRecord], NewId)
            .StartsStream.ShouldBeFalse();
    }

    [Fact]
    public void Given_an_incident_when_another_report_of_the_same_article_arrives_then_it_is_not_merged()
    {
        var onRecord = OnRecord(Report(ArabicArticle, "ar"), Guid.NewGuid());

        IncidentLedger.Decide(Report(ArabicArticle, "ar") with { }, [onRecord], NewId).StartsStream.ShouldBeTrue();
    }

    [Fact]
    public void A_report_without_a_place_never_corroborates()
    {
        var onRecord = OnRecord(Report(ArabicArticle, "ar"), Guid.NewGuid());
        var placeless = Report(EnglishArticle, "en") with { Place = null };

        IncidentLedger.Decide(placeless, [onRecord], NewId).StartsStream.ShouldBeTrue();
    }

    [Fact]
    public void The_closest_of_several_matching_incidents_is_corroborated()
    {
        var far = OnRecord(Report(ArabicArticle, "ar", AlSur with { GeonameId = null, Latitude = 35.56 }), Guid.NewGuid());
        var near = OnRecord(Report(Guid.NewGuid(), "ar", AlSur with { GeonameId = null, Latitude = 35.507 }), Guid.NewGuid());

        IncidentLedger.Decide(Report(EnglishArticle, "en", AlSur with { GeonameId = null }), [far, near], NewId).IncidentId.ShouldBe(near.Id);
    }
}
