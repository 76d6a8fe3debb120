using Platform.Extraction.Engine;

namespace Platform.Extraction.Tests;

/// <summary>Texts that look like incidents and are not, and incidents that look like several.</summary>
public class TrapTests
{
    private static readonly IncidentExtractor Extractor = new();
    private static readonly DateOnly Published = new(2020, 1, 24);

    private static IReadOnlyList<IncidentFound> Extract(string text, string language = "ar") =>
        Extractor.Extract(new ExtractionInput(text, language, Published));

    [Theory]
    [InlineData("أعلنت الولايات المتحدة انسحابها من الاتفاق النووي اليوم.")]
    [InlineData("The United States announced its withdrawal from the agreement today.")]
    public void A_treaty_withdrawal_is_not_an_incident(string text) =>
        Extract(text, text[0] < 128 ? "en" : "ar").ShouldBeEmpty();

    [Fact]
    public void A_database_is_not_a_base()
    {
        Extract("أعلنت الوزارة إنشاء قاعدة بيانات جديدة للمفقودين في مدينة الحسكة.").ShouldBeEmpty();
        Extract("بدأت القوات الأمريكية ببناء قاعدة عسكرية جديدة في محيط بلدة الباغوز.").Single().SubEventType
            .ShouldBe("Headquarters or base established");
    }

    [Theory]
    [InlineData("ar", "وقال القيادي إن قواته ستقصف مدينة سراقب إذا لم تنسحب الفصائل.")]
    [InlineData("ar", "وهدد الجيش التركي بقصف بلدة تل تمر.")]
    [InlineData("en", "\"We will shell the town of Saraqib,\" the commander said.")]
    [InlineData("en", "If the talks fail, government forces could attack the town of Saraqib.")]
    public void Quoted_threats_and_conditional_statements_are_not_incidents(string language, string text) =>
        Extract(text, language).ShouldBeEmpty();

    [Fact]
    public void History_told_as_background_is_not_an_incident()
    {
        Extract("وكانت قوات سوريا الديمقراطية قد سيطرت على بلدة الباغوز في آذار 2019.").ShouldBeEmpty();
        Extract("Government forces shelled the town of Saraqib in March 2012, residents recalled.", "en").ShouldBeEmpty();
    }

    [Fact]
    public void A_sentence_dating_its_event_and_its_background_takes_the_date_nearest_the_event()
    {
        var incident = Extract("وكانت القوات الأمريكية بدأت الأسبوع الماضي ببناء قاعدة عسكرية جديدة في محيط بلدة الباغوز التي كانت معقلا لداعش قبل آذار 2019.")
            .Single();

        incident.DateStart.ShouldBe(new DateOnly(2020, 1, 11));
        incident.DateEnd.ShouldBe(new DateOnly(2020, 1, 19));
    }

    [Fact]
    public void One_event_told_twice_is_one_incident()
    {
        const string text = "Government forces shelled the town of Saraqib on Thursday. "
            + "Residents said the shelling of the town of Saraqib killed three civilians.";

        var incident = Extract(text, "en").ShouldHaveSingleItem();

        incident.Fatalities.ShouldBe(3);
        incident.DateStart.ShouldBe(new DateOnly(2020, 1, 23));
    }

    [Fact]
    public void Explicit_dates_resolve_to_a_day_or_a_month()
    {
        Extract("Government forces shelled the town of Saraqib on 20 January 2020.", "en").Single().DateStart.ShouldBe(new DateOnly(2020, 1, 20));
        var month = Extract("قصفت قوات النظام مدينة سراقب في كانون الثاني.").Single();
        month.DateStart.ShouldBe(new DateOnly(2020, 1, 1));
        month.DateEnd.ShouldBe(new DateOnly(2020, 1, 31));
        Extract("قصفت قوات النظام مدينة سراقب يوم 22 يناير.").Single().DateStart.ShouldBe(new DateOnly(2020, 1, 22));
    }
}

/// <summary>Inputs that must never throw (their timing is measured in the README, not here).</summary>
public class HostileInputTests
{
    private static readonly IncidentExtractor Extractor = new();

    [Fact]
    public void A_five_megabyte_text_is_processed_without_error()
    {
        var paragraph = "قصفت قوات النظام مدينة سراقب اليوم ما أسفر عن مقتل ثلاثة مدنيين. Clashes erupted near the town of Saraqib. ";
        var text = string.Concat(Enumerable.Repeat(paragraph, 5 * 1024 * 1024 / paragraph.Length));

        var incidents = Extractor.Extract(new ExtractionInput(text, "ar", new DateOnly(2020, 1, 24)));

        incidents.ShouldNotBeEmpty();
    }

    [Theory]
    [InlineData("٣٣٣٣٣٣٣ 4444444 99999999999999999999 1,000,000,000 ١٢٣٤٥٦٧٨٩٠١٢٣٤٥ 2020 2021")]
    [InlineData("قصف shelled قصفت 炸弹 💥 бомба مقتل killed ٣ three")]
    [InlineData("\u200F\u200E\u202B\u202C\uFEFF\u0640\u0640\u0640\u064B\u064C")]
    [InlineData(".....،،،،؟؟؟؟!!!!\n\n\n\t\t")]
    public void Numbers_mixed_scripts_and_marks_never_throw(string text)
    {
        Should.NotThrow(() => Extractor.Extract(new ExtractionInput(text, "ar", new DateOnly(2020, 1, 24))));
        Should.NotThrow(() => Extractor.Extract(new ExtractionInput(text, "en", new DateOnly(2020, 1, 24))));
    }
}
