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

/// <summary>Given an article's reports on record, when a re-extraction arrives, then the ledger revises or ignores.</summary>
public class IncidentRevisionTests
{
    private static readonly Guid Article = Guid.Parse("0195f0a2-0000-8000-8000-000000000010");

    private static IncidentReport Report(string version, int? fatalities) => new(
        "Battles", "Armed clash", [new IncidentActor("sdf", "قسد")],
        new IncidentPlace(172413, "Aş Şuwar", 35.50603, 40.65671, 1, "SY", "07", null, null, null, "الصور", 0.9),
        new DateOnly(2020, 1, 24), new DateOnly(2020, 1, 24), fatalities, null,
        new IncidentSource(Article, 0, "t", null, null, "ar", new DateOnly(2020, 1, 24), version, "g", new IncidentEvidence(0, 5, "إنزال"), null));

    private static IncidentDetails OnRecord(IncidentReport report)
    {
        var reported = (IncidentReported)IncidentLedger.Decide(report, [], Guid.NewGuid()).Event;
        return IncidentDetailsProjection.Create(new JasperFx.Events.Event<IncidentReported>(reported) { Version = 1 });
    }

    [Fact]
    public void Given_a_report_when_a_newer_extractor_counts_differently_then_the_incident_is_revised_with_the_change()
    {
        var first = Report("extraction-0.2.0", 1);
        var incident = OnRecord(first);

        var revision = IncidentLedger.Revise(incident, first.Source, Report("extraction-0.3.0", 2)).ShouldNotBeNull();

        revision.Changes.ShouldHaveSingleItem().ShouldBe(new FieldChange("fatalities", "1", "2"));
        var revised = IncidentDetailsProjection.Apply(new JasperFx.Events.Event<IncidentRevised>(revision) { Version = 2 }, incident);
        revised.Fatalities.ShouldBe(2);
        revised.Sources.ShouldHaveSingleItem().ExtractorVersion.ShouldBe("extraction-0.3.0");
    }

    [Fact]
    public void Given_a_report_when_an_older_extractor_version_arrives_late_then_nothing_changes()
    {
        var current = Report("extraction-0.3.0", 2);

        IncidentLedger.Revise(OnRecord(current), current.Source, Report("extraction-0.2.0", 1)).ShouldBeNull();
    }

    [Fact]
    public void Given_an_incident_when_its_only_source_is_withdrawn_then_it_is_retracted()
    {
        var incident = OnRecord(Report("extraction-0.2.0", 1));

        var retracted = IncidentDetailsProjection.Apply(
            new JasperFx.Events.Event<IncidentRetracted>(new IncidentRetracted(incident.Id, Article, 0, "extraction-0.3.0")) { Version = 2 }, incident);

        retracted.Retracted.ShouldBeTrue();
        retracted.Sources.ShouldBeEmpty();
        retracted.ArticleIds.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("extraction-0.10.0", "extraction-0.9.0", 1)]
    [InlineData("extraction-0.2.0", "extraction-0.2.0", 0)]
    [InlineData("extraction-0.2.0", "extraction-1.0.0", -1)]
    public void Extractor_versions_compare_by_number(string a, string b, int sign) =>
        Math.Sign(IncidentLedger.CompareVersions(a, b)).ShouldBe(sign);
}
