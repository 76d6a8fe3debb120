using Platform.Extraction.Engine;

namespace Platform.Extraction.Tests;

/// <summary>One capability per test, in Arabic and in English.</summary>
public class CapabilityTests
{
    private static readonly IncidentExtractor Extractor = new();
    private static readonly DateOnly Friday = new(2020, 1, 24);

    private static IncidentFound One(string text, string language) =>
        Extractor.Extract(new ExtractionInput(text, language, Friday)).ShouldHaveSingleItem();

    [Theory]
    [InlineData("ar", "اشتبكت قسد مع ميليشيا أسد قرب بلدة تل تمر.", "sdf", "قسد")]
    [InlineData("ar", "اشتبكت قسد مع ميليشيا أسد قرب بلدة تل تمر.", "syrian-government", "ميليشيا أسد")]
    [InlineData("en", "The US-led coalition clashed with Islamic State fighters near the town of Hajin.", "coalition", "US-led coalition")]
    [InlineData("en", "The US-led coalition clashed with Islamic State fighters near the town of Hajin.", "isis", "Islamic State")]
    public void Actors_are_vocabulary_ids_with_the_alias_that_matched(string language, string text, string actor, string alias) =>
        One(text, language).Actors.ShouldContain(new ActorFound(actor, alias));

    [Theory]
    [InlineData("ar", "وقصفت قوات النظام بلدة كفرنبل.", "كفرنبل")]
    [InlineData("ar", "واشتبكت الفصائل مع قوات النظام في محيط مدينة سراقب.", "سراقب")]
    [InlineData("ar", "وسيطرت هيئة تحرير الشام على قرية بسقلا.", "بسقلا")]
    public void Arabic_clitics_are_peeled_from_triggers_actors_and_cues(string language, string text, string place) =>
        One(text, language).Places[0].Name.ShouldBe(place);

    [Theory]
    [InlineData("ar", "قتل ٣ عناصر من قوات النظام في اشتباك قرب مدينة سراقب.", 3)]
    [InlineData("ar", "اشتباك قرب مدينة سراقب أدى إلى مقتل عنصرين من قوات النظام.", 2)]
    [InlineData("ar", "اشتباك قرب مدينة سراقب أسفر عن مقتل خمسة عناصر.", 5)]
    [InlineData("en", "Clashes near the town of Saraqib left 12 fighters dead.", 12)]
    [InlineData("en", "Clashes near the town of Saraqib killed five fighters.", 5)]
    public void Fatalities_come_from_digits_Arabic_Indic_digits_number_words_and_duals(string language, string text, int killed) =>
        One(text, language).Fatalities.ShouldBe(killed);

    [Theory]
    [InlineData("قتل مسلحون مجهولون عنصرين من قوات سوريا الديمقراطية في بلدة الشحيل بريف دير الزور.", 2, "unidentified")]
    [InlineData("قتل مسلحون مجهولون أمس عنصرين من قسد في بلدة الشحيل بريف دير الزور.", 2, "unidentified")]
    [InlineData("اغتال مسلحون مجهولون عنصرين من قوات سوريا الديمقراطية في بلدة الشحيل.", 2, "unidentified")]
    [InlineData("وقتل مدنيان في بلدة الشحيل بريف دير الزور.", 2, null)]
    [InlineData("قتل عنصران من قوات سوريا الديمقراطية في بلدة الشحيل بريف دير الزور.", 2, null)]
    public void An_Arabic_verb_that_opens_its_sentence_reports_with_its_subject_and_counted_object(string text, int killed, string? perpetrator)
    {
        // Unvocalised, قتل is the verb (qatala, qutila) or the noun (qatl): a subject or a counted victim right after it
        // makes it the verb of a verb-first sentence.
        var incident = One(text, "ar");
        incident.Fatalities.ShouldBe(killed);
        if (perpetrator is not null)
        {
            incident.Actors.Select(a => a.ActorId).ShouldContain(perpetrator);
        }
    }

    [Theory]
    [InlineData("en", "A car bomb exploded near a market in Azaz on Tuesday, killing five civilians. The Islamic State claimed responsibility for the attack on Wednesday.")]
    [InlineData("en", "A car bomb exploded near a market in Azaz on Tuesday, killing five civilians. Residents said the blast destroyed several shops. The Islamic State later claimed responsibility.")]
    [InlineData("en", "The Islamic State claimed responsibility for a car bomb that exploded near a market in Azaz on Tuesday, killing five civilians.")]
    [InlineData("ar", "انفجرت سيارة مفخخة قرب سوق في مدينة اعزاز أمس ما أدى إلى مقتل خمسة مدنيين. وتبنى تنظيم داعش التفجير في بيان.")]
    [InlineData("ar", "قتل مسلحون مجهولون خمسة مدنيين في مدينة اعزاز أمس. وأعلن تنظيم الدولة الإسلامية مسؤوليته عن الهجوم.")]
    public void A_claim_of_responsibility_names_the_perpetrator_of_the_event_it_claims(string language, string text)
    {
        var incident = Extractor.Extract(new ExtractionInput(text, language, Friday)).ShouldHaveSingleItem();
        incident.Actors.Select(a => a.ActorId).ShouldBe(["isis", "civilians"], ignoreOrder: true);
        incident.Rules["actors"].ShouldStartWith("claimed by isis");
        incident.Fatalities.ShouldBe(5);
    }

    [Theory]
    [InlineData("en", "A car bomb exploded near a market in Azaz on Tuesday, killing five civilians. No group claimed responsibility.")]
    [InlineData("en", "A car bomb exploded near a market in Azaz on Tuesday, killing five civilians. The Islamic State did not claim responsibility.")]
    [InlineData("ar", "انفجرت سيارة مفخخة قرب سوق في مدينة اعزاز أمس ما أدى إلى مقتل خمسة مدنيين. ولم يتبن تنظيم داعش التفجير.")]
    public void A_denied_or_absent_claim_names_no_one(string language, string text)
    {
        var incident = Extractor.Extract(new ExtractionInput(text, language, Friday)).ShouldHaveSingleItem();
        incident.Actors.Select(a => a.ActorId).ShouldBe(["unidentified", "civilians"], ignoreOrder: true);
    }

    [Theory]
    [InlineData("قتل المدنيين جريمة حرب لا تسقط بالتقادم.")]
    [InlineData("قتل الأبرياء في بلدة الشحيل أمر مرفوض.")]
    public void The_same_letters_as_a_noun_naming_a_crime_report_nothing(string text) =>
        Extractor.Extract(new ExtractionInput(text, "ar", Friday)).ShouldBeEmpty();

    [Theory]
    [InlineData("ar", "اعتقلت قوات الأمن ثلاثة شبان في مدينة الحسكة.", 3)]
    [InlineData("en", "Security forces arrested 7 people in the city of Hasakah.", 7)]
    public void Arrests_are_counted(string language, string text, int arrested) =>
        One(text, language).Arrests.ShouldBe(arrested);

    [Theory]
    [InlineData("ar", "وقالت مصادر محلية إن قوات النظام قصفت مدينة سراقب.", "local sources")]
    [InlineData("en", "Government forces shelled the town of Saraqib, a war monitor said.", "war monitor")]
    public void The_source_cue_is_reported(string language, string text, string cue) =>
        One(text, language).SourceCue.ShouldBe(cue);

    [Theory]
    [InlineData("ar", "قصفت قوات النظام مدينة سراقب أمس.", "2020-01-23", "2020-01-23")]
    [InlineData("ar", "قصفت قوات النظام مدينة سراقب يوم الأربعاء.", "2020-01-22", "2020-01-22")]
    [InlineData("ar", "قصفت قوات النظام مدينة سراقب الأسبوع الماضي.", "2020-01-11", "2020-01-19")]
    [InlineData("ar", "قصفت قوات النظام مدينة سراقب في شباط 2019 حسبما قالت مصادر محلية.", "2019-02-01", "2019-02-28")]
    [InlineData("en", "Government forces shelled the town of Saraqib yesterday.", "2020-01-23", "2020-01-23")]
    [InlineData("en", "Government forces shelled the town of Saraqib on Friday.", "2020-01-24", "2020-01-24")]
    [InlineData("en", "Government forces shelled the town of Saraqib last week.", "2020-01-11", "2020-01-19")]
    [InlineData("ar", "قصفت قوات النظام مدينة سراقب أول أمس.", "2020-01-22", "2020-01-22")]
    [InlineData("ar", "قصفت قوات النظام قبل يومين مدينة سراقب.", "2020-01-22", "2020-01-22")]
    [InlineData("ar", "قصفت قوات النظام مدينة سراقب قبل ثلاثة أيام.", "2020-01-21", "2020-01-21")]
    [InlineData("ar", "قصفت قوات النظام مدينة سراقب الليلة الماضية.", "2020-01-23", "2020-01-24")]
    [InlineData("ar", "قصفت قوات النظام مدينة سراقب الشهر الماضي.", "2019-12-01", "2019-12-31")]
    [InlineData("ar", "قصفت قوات النظام مدينة سراقب صباح اليوم.", "2020-01-24", "2020-01-24")]
    [InlineData("en", "Government forces shelled the town of Saraqib two days ago.", "2020-01-22", "2020-01-22")]
    [InlineData("en", "Government forces shelled the town of Saraqib 4 days ago.", "2020-01-20", "2020-01-20")]
    [InlineData("en", "Government forces shelled the town of Saraqib the day before yesterday.", "2020-01-22", "2020-01-22")]
    [InlineData("en", "Government forces shelled the town of Saraqib earlier in the day.", "2020-01-24", "2020-01-24")]
    [InlineData("en", "Government forces shelled the town of Saraqib last night.", "2020-01-23", "2020-01-24")]
    [InlineData("en", "Government forces shelled the town of Saraqib earlier this month.", "2020-01-01", "2020-01-24")]
    [InlineData("en", "Government forces shelled the town of Saraqib on 24 January, a day after they shelled it.", "2020-01-24", "2020-01-24")]
    public void Dates_resolve_against_the_publication_date(string language, string text, string start, string end)
    {
        var incidents = Extractor.Extract(new ExtractionInput(text, language, Friday));
        if (DateOnly.Parse(end, System.Globalization.CultureInfo.InvariantCulture) < Friday.AddMonths(-3))
        {
            // A date more than three months before publication is background history: no incident.
            incidents.ShouldBeEmpty();
            return;
        }
        var incident = incidents.ShouldHaveSingleItem();
        incident.DateStart.ShouldBe(DateOnly.Parse(start, System.Globalization.CultureInfo.InvariantCulture));
        incident.DateEnd.ShouldBe(DateOnly.Parse(end, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("en", "On 20 January, regime forces shelled the town of Kafr Nabl, while Russian warplanes carried out air strikes on the town of Ariha.", "2020-01-20")]
    [InlineData("en", "On 20 January, regime forces shelled the town of Kafr Nabl, while Russian warplanes carried out air strikes on the town of Ariha the day before.", "2020-01-19")]
    [InlineData("en", "On 20 January, regime forces shelled the town of Kafr Nabl, while Russian warplanes carried out air strikes on the town of Ariha yesterday.", "2020-01-23")]
    [InlineData("ar", "قصفت قوات النظام في 20 كانون الثاني بلدة كفرنبل، فيما شنت طائرات روسية غارات على مدينة أريحا.", "2020-01-20")]
    [InlineData("ar", "قصفت قوات النظام في 20 كانون الثاني بلدة كفرنبل، فيما شنت طائرات روسية غارات على مدينة أريحا في اليوم التالي.", "2020-01-21")]
    public void A_clause_event_has_its_own_date_or_else_its_sentence_lead_date(string language, string text, string strike)
    {
        var incidents = Extractor.Extract(new ExtractionInput(text, language, Friday));
        incidents.Count.ShouldBe(2);
        incidents[0].DateStart.ShouldBe(new DateOnly(2020, 1, 20));
        var air = incidents.Where(i => i.SubEventType == "Air/drone strike").ShouldHaveSingleItem();
        air.DateStart.ShouldBe(DateOnly.Parse(strike, System.Globalization.CultureInfo.InvariantCulture));
        air.DateEnd.ShouldBe(air.DateStart);
    }

    [Theory]
    [InlineData("en", "On 20 January, regime forces shelled the town of Kafr Nabl. The next day, Russian warplanes carried out air strikes on the town of Ariha.", "2020-01-21")]
    [InlineData("en", "Regime forces shelled the town of Kafr Nabl. The next day, Russian warplanes carried out air strikes on the town of Ariha.", null)]
    [InlineData("ar", "قصفت قوات النظام في 20 كانون الثاني بلدة كفرنبل. وفي اليوم التالي شنت طائرات روسية غارات على مدينة أريحا.", "2020-01-21")]
    public void The_next_day_counts_from_the_date_of_the_event_told_before(string language, string text, string? strike)
    {
        var air = Extractor.Extract(new ExtractionInput(text, language, Friday)).Where(i => i.SubEventType == "Air/drone strike").ShouldHaveSingleItem();
        // With no date told before, "the next day" says nothing the reader can count from: the publication default.
        air.DateStart.ShouldBe(strike is null ? Friday.AddDays(-1) : DateOnly.Parse(strike, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("ar", "وقعت اشتباكات في ريف إدلب الجنوبي.", "countryside-of")]
    [InlineData("ar", "وقعت اشتباكات بالقرب من مدينة سراقب.", "in")]
    [InlineData("en", "Clashes broke out near Saraqib.", "near")]
    [InlineData("en", "Clashes broke out in the countryside of Idlib.", "countryside-of")]
    public void Place_relations_follow_their_cue(string language, string text, string relation) =>
        One(text, language).Places[0].Relation.ShouldBe(relation);
}

public class BetweenAndDistrictTests
{
    private static readonly IncidentExtractor Extractor = new();

    [Theory]
    [InlineData("ar", "اندلعت اشتباكات بين دير الزور والميادين اليوم.", "دير الزور", "الميادين")]
    [InlineData("en", "Clashes broke out between Deir ez-Zor and Mayadin on Friday.", "Deir ez-Zor", "Mayadin")]
    public void Between_two_places_gives_the_first_with_the_second_as_hint(string language, string text, string place, string hint)
    {
        var mention = Extractor.Extract(new ExtractionInput(text, language, new DateOnly(2020, 1, 24))).Single().Places[0];

        mention.Relation.ShouldBe("between");
        mention.Name.ShouldBe(place);
        mention.Hints.ShouldBe([hint]);
    }

    [Fact]
    public void A_district_cue_introduces_a_place()
    {
        var incident = Extractor.Extract(new ExtractionInput("قصفت القوات التركية قرى في قضاء سنجار أمس.", "ar", new DateOnly(2020, 1, 24))).Single();

        incident.Places[0].Name.ShouldBe("سنجار");
    }
}

public class AmbiguousWordTests
{
    private static readonly IncidentExtractor Extractor = new();

    [Fact]
    public void One_and_two_are_not_Sunday_and_Monday()
    {
        // Published on Wednesday 2020-01-22; "أحد" is "one of", "أمس" is the day before.
        var incident = Extractor.Extract(new ExtractionInput("قتل أحد عناصر قسد في اشتباك قرب بلدة تل تمر أمس.", "ar", new DateOnly(2020, 1, 22))).Single();

        incident.DateStart.ShouldBe(new DateOnly(2020, 1, 21));
        Extractor.Extract(new ExtractionInput("اشتباك قرب بلدة تل تمر يوم الأحد.", "ar", new DateOnly(2020, 1, 22))).Single().DateStart
            .ShouldBe(new DateOnly(2020, 1, 19));
    }

    [Fact]
    public void A_count_written_with_a_thousands_separator_is_never_a_year() =>
        Extractor.Extract(new ExtractionInput("Clashes near the town of Saraqib killed 2,000 fighters.", "en", new DateOnly(2020, 1, 22)))
            .Single().Fatalities.ShouldBe(2000);

    [Fact]
    public void Publication_dates_before_1900_are_refused() =>
        Should.Throw<ArgumentOutOfRangeException>(() => Extractor.Extract(new ExtractionInput("text", "en", new DateOnly(1, 1, 5))));
}
