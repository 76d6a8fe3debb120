using System.Text.Json;
using Platform.Extraction.Engine;
using Platform.Testing;

namespace Platform.Extraction.Tests;

public class IncidentExtractorTests
{
    private static readonly IncidentExtractor Extractor = new();

    private static (string Text, DateOnly Published) Gold(string id)
    {
        foreach (var line in File.ReadLines(RepositoryPaths.GoldDev))
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.GetProperty("id").GetString() == id)
            {
                return (root.GetProperty("text").GetString()!, DateOnly.Parse(root.GetProperty("published").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        throw new InvalidOperationException($"No gold article {id}.");
    }

    [Fact]
    public void Seed_air_landing_raid_is_one_armed_clash_with_its_dead_and_arrested_from_the_next_sentence()
    {
        var (text, published) = Gold("seed-orient-east-euphrates");

        var incidents = Extractor.Extract(new ExtractionInput(text, "ar", published));

        var raid = incidents.Single(i => i.SubEventType == "Armed clash");
        raid.EventType.ShouldBe("Battles");
        raid.Places[0].Name.ShouldBe("الصور");
        raid.Places[0].Hints.ShouldBe(["دير الزور"]);
        raid.Fatalities.ShouldBe(1);
        raid.Arrests.ShouldBe(2);
        raid.Actors.Select(a => a.ActorId).ShouldBe(["coalition", "sdf", "isis"], ignoreOrder: true);
        raid.DateStart.ShouldBe(published);
        raid.SourceCue.ShouldNotBeNull();
    }

    [Fact]
    public void Each_field_names_the_rule_that_set_it()
    {
        var (text, published) = Gold("seed-orient-east-euphrates");

        var raid = Extractor.Extract(new ExtractionInput(text, "ar", published)).Single(i => i.SubEventType == "Armed clash");

        raid.Rules["event_type"].ShouldBe("trigger:إنزال جوي");
        raid.Rules["date"].ShouldBe("date:weekday");
        raid.Rules["place"].ShouldBe("cue:in");
        raid.Rules["fatalities"].ShouldStartWith("count:killed-words (sentence ");
        raid.Rules["arrests"].ShouldStartWith("count:arrest-words (sentence ");
        raid.Rules["merged"].ShouldBe("1 more sentence(s)");
    }

    [Fact]
    public void Seed_protest_and_new_base_last_week_get_the_week_before_publication()
    {
        var (text, published) = Gold("seed-orient-east-euphrates");

        var incidents = Extractor.Extract(new ExtractionInput(text, "ar", published));

        var protest = incidents.Single(i => i.EventType == "Protests");
        protest.Places[0].Name.ShouldStartWith("عين ديوار");
        protest.Actors.Select(a => a.ActorId).ShouldContain("russia");
        protest.DateStart.ShouldBe(new DateOnly(2020, 1, 11));
        protest.DateEnd.ShouldBe(new DateOnly(2020, 1, 19));
        var basis = incidents.Single(i => i.SubEventType == "Headquarters or base established");
        basis.Places[0].Name.ShouldBe("الباغوز");
    }

    [Fact]
    public void Evidence_and_place_spans_cover_whole_words_of_the_original_text()
    {
        var (text, published) = Gold("seed-orient-east-euphrates");

        var incidents = Extractor.Extract(new ExtractionInput(text, "ar", published));

        incidents.Single(i => i.SubEventType == "Armed clash").Evidence.Text.ShouldBe("إنزال جوي بالقرب من مدينة الصور");
        foreach (var span in incidents.SelectMany(i => i.Places.Select(p => p.Span).Append(i.Evidence)))
        {
            text.Substring(span.Start, span.Length).ShouldBe(span.Text);
            (span.Start == 0 || !char.IsLetter(text[span.Start - 1])).ShouldBeTrue($"'{span.Text}' starts inside a word");
            var end = span.Start + span.Length;
            (end == text.Length || !char.IsLetter(text[end]) && !Platform.Text.TextFolding.IsArabicDiacritic(text[end]))
                .ShouldBeTrue($"'{span.Text}' ends inside a word");
        }
    }

    [Fact]
    public void A_final_diacritic_stays_in_the_span()
    {
        const string text = "قصفت قوات النظام مدينةَ سراقبَ اليوم.";

        var place = Extractor.Extract(new ExtractionInput(text, "ar", new DateOnly(2020, 2, 4))).Single().Places.Single();

        place.Name.ShouldBe("سراقبَ");
    }

    [Theory]
    [InlineData("Government forces shelled the town of Saraqib, killing civilians on 24 January.", null)]
    [InlineData("Government forces shelled the town of Saraqib and killed people in 2019.", null)]
    [InlineData("Government forces shelled the town of Saraqib, killing 1,200 people.", 1200)]
    [InlineData("Government forces shelled the town of Saraqib, killing 12 people.", 12)]
    public void Dates_and_years_are_not_death_counts_but_separated_thousands_are(string text, int? fatalities)
    {
        var incident = Extractor.Extract(new ExtractionInput(text, "en", new DateOnly(2020, 2, 4))).Single();

        incident.Fatalities.ShouldBe(fatalities);
        incident.Places.Select(p => p.Name).ShouldBe(["Saraqib"]);
    }

    [Fact]
    public void English_weekday_resolves_to_the_latest_such_day_on_or_before_publication()
    {
        var (text, published) = Gold("dev-en-hasakah-2022-01");

        var incident = Extractor.Extract(new ExtractionInput(text, "en", published)).Single();

        incident.EventType.ShouldBe("Battles");
        incident.DateStart.ShouldBe(new DateOnly(2022, 1, 20));
        incident.Fatalities.ShouldBe(20);
        // "attacked Ghwayran prison in Hasakah": the facility (an area the gazetteer may lack) and its town.
        incident.Places.Where(p => p.Relation != "mention").Select(p => (p.Name, p.Relation)).ShouldBe([("Ghwayran", "area"), ("Hasakah", "in"), ("Syrian", "country")]);
    }

    [Fact]
    public void An_earthquake_is_not_a_conflict_incident()
    {
        var (text, published) = Gold("dev-ar-earthquake-2023-02");

        Extractor.Extract(new ExtractionInput(text, "ar", published)).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("en", "Government forces will attack the town of Jarjanaz next week.")]
    [InlineData("en", "The group threatened to shell the city of Hasakah.")]
    [InlineData("ar", "وقالت المصادر إن قوات النظام سوف تقصف بلدة الباغوز.")]
    public void Future_and_threatened_attacks_are_not_incidents(string language, string text)
    {
        Extractor.Extract(new ExtractionInput(text, language, new DateOnly(2020, 1, 1))).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n  ")]
    [InlineData("1 2 3 4 5 6 7 8 9 10 11 12")]
    public void Text_without_incidents_gives_none(string text)
    {
        Extractor.Extract(new ExtractionInput(text, "en", new DateOnly(2020, 1, 1))).ShouldBeEmpty();
    }

    [Fact]
    public void One_extractor_shared_by_many_threads_gives_what_one_thread_gives()
    {
        var articles = File.ReadLines(RepositoryPaths.GoldDev).Select(line =>
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            return new ExtractionInput(root.GetProperty("text").GetString()!, root.GetProperty("lang").GetString()!,
                DateOnly.Parse(root.GetProperty("published").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        }).ToList();
        var shared = new IncidentExtractor();
        var expected = articles.Select(a => JsonSerializer.Serialize(shared.Extract(a))).ToList();

        var results = new System.Collections.Concurrent.ConcurrentBag<(int Index, string Json)>();
        Parallel.For(0, articles.Count * 50, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
            results.Add((i % articles.Count, JsonSerializer.Serialize(shared.Extract(articles[i % articles.Count])))));

        results.ShouldAllBe(r => r.Json == expected[r.Index]);
    }

    [Fact]
    public void The_same_input_gives_the_same_output()
    {
        var (text, published) = Gold("dev-en-idlib-2019-06");

        var first = JsonSerializer.Serialize(Extractor.Extract(new ExtractionInput(text, "en", published)));
        var second = JsonSerializer.Serialize(new IncidentExtractor().Extract(new ExtractionInput(text, "en", published)));

        second.ShouldBe(first);
    }
}

public class LexiconTests
{
    [Theory]
    [InlineData("actors.tsv", 3)]
    [InlineData("triggers.tsv", 4)]
    [InlineData("cues.tsv", 3)]
    public void Lexicon_files_have_no_duplicate_entries(string file, int keyColumns)
    {
        var keys = Lexicon.ReadRows(file, keyColumns).Select(row => string.Join('\t', row.Take(keyColumns))).ToList();

        keys.GroupBy(k => k).Where(g => g.Count() > 1).Select(g => g.Key).ShouldBeEmpty();
    }

    [Fact]
    public void An_actor_alias_names_one_actor_only()
    {
        var conflicts = Lexicon.ReadRows("actors.tsv", 3)
            .GroupBy(row => (Language: row[1], Alias: Platform.Text.TextFolding.Fold(row[2])))
            .Where(g => g.Select(row => row[0]).Distinct().Count() > 1)
            .Select(g => g.Key.Alias);

        conflicts.ShouldBeEmpty();
    }
}

public class IncidentMergingTests
{
    private static readonly IncidentExtractor Extractor = new();

    [Fact]
    public void A_headline_announcing_the_event_the_body_tells_is_one_incident()
    {
        const string text = "Shelling on Saraqib\n\nGovernment forces shelled the town of Saraqib on Monday, killing two civilians.";

        var incident = Extractor.Extract(new ExtractionInput(text, "en", new DateOnly(2020, 2, 4))).ShouldHaveSingleItem();

        incident.Places[0].Name.ShouldBe("Saraqib");
        incident.Fatalities.ShouldBe(2);
    }

    [Fact]
    public void A_placeless_sentence_about_another_kind_of_event_is_not_merged_into_the_previous_one()
    {
        const string text = "Hundreds of people demonstrated in the city of Suwayda. Security forces arrested 5 people.";

        var incidents = Extractor.Extract(new ExtractionInput(text, "en", new DateOnly(2023, 8, 25)));

        incidents.Count.ShouldBe(2);
        incidents[0].EventType.ShouldBe("Protests");
        incidents[0].Arrests.ShouldBeNull();
        incidents[1].SubEventType.ShouldBe("Arrests");
        incidents[1].Arrests.ShouldBe(5);
    }

    [Fact]
    public void A_placeless_report_with_no_other_telling_is_kept()
    {
        var incident = Extractor.Extract(new ExtractionInput("Rebels shelled government positions overnight.", "en", new DateOnly(2020, 2, 4)))
            .ShouldHaveSingleItem();

        incident.Places.ShouldBeEmpty();
    }
}
