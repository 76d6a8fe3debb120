using Platform.Query.Incidents;

namespace Platform.Query.Tests;

/// <summary>Given incidents on record, when a report arrives, then the ledger starts or corroborates one.</summary>
public class IncidentLedgerTests
{
    private static readonly Guid ArabicArticle = Guid.Parse("0195f0a2-0000-8000-8000-000000000001");
    private static readonly Guid EnglishArticle = Guid.Parse("0195f0a2-0000-8000-8000-000000000002");
    private static readonly Guid NewId = IncidentIdentity.For(ArabicArticle, 0);

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
            (IncidentReported)Decide(report).Event with { IncidentId = id }) { Timestamp = DateTimeOffset.UnixEpoch, Version = 1 });

    /// <summary>The one event the ledger appends for an article with this one report, given these candidates.</summary>
    internal static LedgerAppend Decide(IncidentReport report, params IncidentDetails[] candidates) =>
        IncidentLedger.Decide(new ArticleReports(report.Source.ArticleId, report.Source.ExtractorVersion, [report]),
            new LedgerView([], new Dictionary<int, IReadOnlyList<IncidentDetails>> { [report.Source.Ordinal] = candidates })).Appends.ShouldHaveSingleItem();

    [Fact]
    public void Given_nothing_on_record_when_a_report_arrives_then_it_starts_an_incident()
    {
        var decision = Decide(Report(ArabicArticle, "ar"));

        decision.StartsStream.ShouldBeTrue();
        decision.IncidentId.ShouldBe(NewId);
        decision.Event.ShouldBeOfType<IncidentReported>().Source.ArticleId.ShouldBe(ArabicArticle);
    }

    [Fact]
    public void Given_an_Arabic_report_when_the_English_report_of_the_same_raid_arrives_then_it_corroborates_it()
    {
        var onRecord = OnRecord(Report(ArabicArticle, "ar"), Guid.NewGuid());
        var nearby = AlSur with { GeonameId = null, Latitude = 35.52, Longitude = 40.66 };

        var decision = Decide(Report(EnglishArticle, "en", nearby, actors: ["sdf", "isis"], fatalities: 2), onRecord);

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

        var decision = Decide(Report(EnglishArticle, "en", place, eventType, date, [actor]), onRecord);

        decision.StartsStream.ShouldBeTrue();
    }

    [Fact]
    public void Reports_one_day_apart_and_reports_naming_no_armed_actor_still_corroborate()
    {
        var onRecord = OnRecord(Report(ArabicArticle, "ar", actors: ["coalition"]), Guid.NewGuid());

        Decide(Report(EnglishArticle, "en", date: "2020-01-25", actors: ["civilians"]), onRecord)
            .StartsStream.ShouldBeFalse();
    }

    [Fact]
    public void Given_an_incident_when_another_report_of_the_same_article_arrives_then_it_is_not_merged()
    {
        var onRecord = OnRecord(Report(ArabicArticle, "ar"), Guid.NewGuid());

        Decide(Report(ArabicArticle, "ar") with { }, onRecord).StartsStream.ShouldBeTrue();
    }

    [Fact]
    public void A_report_without_a_place_never_corroborates()
    {
        var onRecord = OnRecord(Report(ArabicArticle, "ar"), Guid.NewGuid());
        var placeless = Report(EnglishArticle, "en") with { Place = null };

        Decide(placeless, onRecord).StartsStream.ShouldBeTrue();
    }

    [Fact]
    public void The_closest_of_several_matching_incidents_is_corroborated()
    {
        var far = OnRecord(Report(ArabicArticle, "ar", AlSur with { GeonameId = null, Latitude = 35.56 }), Guid.NewGuid());
        var near = OnRecord(Report(Guid.NewGuid(), "ar", AlSur with { GeonameId = null, Latitude = 35.507 }), Guid.NewGuid());

        Decide(Report(EnglishArticle, "en", AlSur with { GeonameId = null }), far, near).IncidentId.ShouldBe(near.Id);
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
        var reported = (IncidentReported)IncidentLedgerTests.Decide(report).Event;
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

/// <summary>
/// Given what an article already recorded, when a message of that article arrives, then the decider returns every
/// event: nothing for a redelivery, revisions and retractions for a newer extractor, nothing for an older one, and a
/// rejection with the reason for impossible values.
/// </summary>
public class LedgerDecisionTests
{
    private static readonly Guid Article = Guid.Parse("0195f0a2-0000-8000-8000-000000000020");
    private static readonly Guid Other = Guid.Parse("0195f0a2-0000-8000-8000-000000000021");

    private static IncidentPlace Place(double latitude = 35.50603, double longitude = 40.65671) =>
        new(null, "Aş Şuwar", latitude, longitude, 1, "SY", "07", null, null, null, "الصور", 0.9);

    private static IncidentReport Report(int ordinal, string version = "extraction-0.2.0", int? fatalities = 1, Guid? article = null,
        IncidentPlace? place = null, string eventType = "Battles") => new(
        eventType, "Armed clash", [new IncidentActor("sdf", "قسد")], place ?? Place(),
        new DateOnly(2020, 1, 24), new DateOnly(2020, 1, 24), fatalities, null,
        new IncidentSource(article ?? Article, ordinal, "t", null, null, "ar", new DateOnly(2020, 1, 24), version, "g", new IncidentEvidence(0, 5, "إنزال"), null));

    private static ArticleReports Message(string version, params IncidentReport[] reports) =>
        new(reports.FirstOrDefault()?.Source.ArticleId ?? Article, version, reports);

    /// <summary>The article's incidents as the read model holds them after the decision's events.</summary>
    private static List<IncidentDetails> Apply(LedgerDecision decision, List<IncidentDetails>? recorded = null)
    {
        var incidents = (recorded ?? []).ToDictionary(i => i.Id);
        foreach (var append in decision.Appends)
        {
            incidents[append.IncidentId] = append.Event switch
            {
                IncidentReported e => IncidentDetailsProjection.Create(new JasperFx.Events.Event<IncidentReported>(e) { Version = 1 }),
                IncidentCorroborated e => IncidentDetailsProjection.Apply(new JasperFx.Events.Event<IncidentCorroborated>(e), incidents[append.IncidentId]),
                IncidentRevised e => IncidentDetailsProjection.Apply(new JasperFx.Events.Event<IncidentRevised>(e), incidents[append.IncidentId]),
                IncidentRetracted e => IncidentDetailsProjection.Apply(new JasperFx.Events.Event<IncidentRetracted>(e), incidents[append.IncidentId]),
                _ => throw new InvalidOperationException(append.Event.GetType().Name),
            };
        }
        return [.. incidents.Values];
    }

    private static LedgerView Nothing => new([], new Dictionary<int, IReadOnlyList<IncidentDetails>>());

    [Fact]
    public void Given_nothing_when_an_article_reports_two_incidents_then_each_starts_its_own_stream()
    {
        var decision = IncidentLedger.Decide(Message("extraction-0.2.0", Report(0), Report(1, place: Place(36.2, 37.1))), Nothing);

        decision.Appends.Select(a => (a.IncidentId, a.StartsStream)).ShouldBe(
            [(IncidentIdentity.For(Article, 0), true), (IncidentIdentity.For(Article, 1), true)]);
        decision.Started.ShouldBe(2);
    }

    [Fact]
    public void Given_the_articles_reports_on_record_when_the_same_version_is_redelivered_then_nothing_is_appended()
    {
        var message = Message("extraction-0.2.0", Report(0), Report(1, place: Place(36.2, 37.1)));
        var recorded = Apply(IncidentLedger.Decide(message, Nothing));

        IncidentLedger.Decide(message, new LedgerView(recorded, new Dictionary<int, IReadOnlyList<IncidentDetails>>())).Appends.ShouldBeEmpty();
    }

    [Fact]
    public void Given_the_articles_reports_when_a_newer_version_changes_one_and_loses_the_other_then_one_is_revised_and_one_retracted()
    {
        var recorded = Apply(IncidentLedger.Decide(Message("extraction-0.2.0", Report(0), Report(1, place: Place(36.2, 37.1))), Nothing));

        var decision = IncidentLedger.Decide(Message("extraction-0.3.0", Report(0, "extraction-0.3.0", fatalities: 3)),
            new LedgerView(recorded, new Dictionary<int, IReadOnlyList<IncidentDetails>>()));

        decision.Revised.ShouldBe(1);
        decision.Retracted.ShouldBe(1);
        var after = Apply(decision, recorded).ToDictionary(i => i.Id);
        after[IncidentIdentity.For(Article, 0)].Fatalities.ShouldBe(3);
        after[IncidentIdentity.For(Article, 1)].Retracted.ShouldBeTrue();
    }

    [Fact]
    public void Given_a_newer_version_on_record_when_an_older_one_arrives_late_then_nothing_is_revised_or_retracted()
    {
        var recorded = Apply(IncidentLedger.Decide(Message("extraction-0.3.0", Report(0, "extraction-0.3.0", 3), Report(1, "extraction-0.3.0", place: Place(36.2, 37.1))), Nothing));

        IncidentLedger.Decide(Message("extraction-0.2.0", Report(0, fatalities: 1)),
            new LedgerView(recorded, new Dictionary<int, IReadOnlyList<IncidentDetails>>())).Appends.ShouldBeEmpty();
    }

    [Fact]
    public void Given_an_incident_when_two_reports_of_one_article_match_it_then_only_the_first_corroborates()
    {
        var onRecord = Apply(IncidentLedger.Decide(Message("extraction-0.2.0", Report(0, article: Other)), Nothing)).Single();

        var decision = IncidentLedger.Decide(Message("extraction-0.2.0", Report(0), Report(1, place: Place(35.51, 40.66))),
            new LedgerView([], new Dictionary<int, IReadOnlyList<IncidentDetails>> { [0] = [onRecord], [1] = [onRecord] }));

        decision.Appends.Select(a => a.Event.GetType().Name).ShouldBe([nameof(IncidentCorroborated), nameof(IncidentReported)]);
        decision.Appends[0].IncidentId.ShouldBe(onRecord.Id);
    }

    [Theory]
    [InlineData(999, 40.6, 1, 1, 0, "latitude 999")]
    [InlineData(35.5, -181, 1, 1, 0, "longitude -181")]
    [InlineData(35.5, 40.6, 42, 1, 0, "precision 42")]
    [InlineData(35.5, 40.6, 1, -5, 0, "fatalities -5")]
    [InlineData(35.5, 40.6, 1, 1, -1, "an end date 2020-01-23 before its start 2020-01-24")]
    public void A_message_with_an_impossible_value_is_rejected_with_the_reason(double latitude, double longitude, int precision, int fatalities,
        int endOffset, string reason)
    {
        var report = Report(0, fatalities: fatalities, place: Place(latitude, longitude) with { Precision = precision });
        report = report with { DateEnd = report.DateStart.AddDays(endOffset) };

        var decision = IncidentLedger.Decide(Message("extraction-0.2.0", report), Nothing);

        decision.Appends.ShouldBeEmpty();
        decision.Rejection.ShouldNotBeNull().ShouldContain(reason);
    }

    [Fact]
    public void A_message_that_gives_one_ordinal_twice_is_rejected()
    {
        IncidentLedger.Decide(Message("extraction-0.2.0", Report(0), Report(0)), Nothing).Rejection.ShouldNotBeNull().ShouldContain("ordinal given twice");
    }

    [Fact]
    public void Reports_close_enough_to_corroborate_share_a_lock_key_across_a_cell_edge_and_other_event_types_do_not()
    {
        // 35.4999 and 35.5001 lie in different grid cells (half a degree), 22 m apart.
        var south = IncidentLedger.LockKeys(Message("extraction-0.2.0", Report(0, place: Place(35.4999, 40.2))));
        var north = IncidentLedger.LockKeys(Message("extraction-0.2.0", Report(0, article: Other, place: Place(35.5001, 40.2))));
        var protest = IncidentLedger.LockKeys(Message("extraction-0.2.0", Report(0, article: Other, place: Place(35.5001, 40.2), eventType: "Protests")));

        south.Intersect(north).ShouldNotBeEmpty();
        south.Intersect(protest).ShouldBeEmpty();
        south.ShouldBe(south.Order().ToList());
    }

    [Fact]
    public void Reports_of_one_place_in_weeks_apart_do_not_wait_for_each_other_and_reports_a_day_apart_across_a_week_do()
    {
        var sunday = new DateOnly(2020, 1, 26);
        ArticleReports On(DateOnly day, Guid article) => Message("v", Report(0, article: article) with { DateStart = day, DateEnd = day });

        IncidentLedger.LockKeys(On(sunday, Article)).Intersect(IncidentLedger.LockKeys(On(sunday.AddDays(1), Other))).ShouldNotBeEmpty();
        IncidentLedger.LockKeys(On(sunday, Article)).Intersect(IncidentLedger.LockKeys(On(sunday.AddDays(21), Other))).ShouldBeEmpty();
    }

    [Fact]
    public void Random_pairs_within_the_corroboration_radius_always_share_a_lock_key()
    {
        var random = new Random(11);
        for (var i = 0; i < 2_000; i++)
        {
            var latitude = random.NextDouble() * 140 - 70;
            var longitude = random.NextDouble() * 340 - 170;
            var bearing = random.NextDouble() * 2 * Math.PI;
            var km = random.NextDouble() * IncidentLedger.CorroborationRadiusKm;
            var other = Place(latitude + km / 111.2 * Math.Cos(bearing), longitude + km / (111.2 * Math.Cos(latitude * Math.PI / 180)) * Math.Sin(bearing));

            // Date ranges that overlap or lie a day apart, as corroboration allows.
            var start = new DateOnly(2020, 1, 1).AddDays(random.Next(400));
            var end = start.AddDays(random.Next(5));
            var otherStart = start.AddDays(random.Next(-6, (end.DayNumber - start.DayNumber) + 2));
            var otherEnd = otherStart.AddDays(Math.Max(0, start.DayNumber - 1 - otherStart.DayNumber) + random.Next(4));
            var a = IncidentLedger.LockKeys(Message("v", Report(0, place: Place(latitude, longitude)) with { DateStart = start, DateEnd = end }));
            var b = IncidentLedger.LockKeys(Message("v", Report(0, article: Other, place: other) with { DateStart = otherStart, DateEnd = otherEnd }));

            a.Intersect(b).ShouldNotBeEmpty($"{latitude}, {longitude} and {other.Latitude}, {other.Longitude}");
        }
    }
}
