using Platform.Extraction.Engine;

namespace Platform.Extraction.Tests;

public class EnglishInflectionTests
{
    [Theory]
    [InlineData("air strike~n", new[] { "air strike", "air strikes" })]
    [InlineData("barrel bomb~n", new[] { "barrel bomb", "barrel bombs" })]
    [InlineData("clash~v", new[] { "clash", "clashes", "clashed", "clashing" })]
    [InlineData("shell~v", new[] { "shell", "shells", "shelled", "shelling" })]
    [InlineData("execute~v", new[] { "execute", "executes", "executed", "executing" })]
    [InlineData("repel~vv", new[] { "repel", "repels", "repelled", "repelling" })]
    [InlineData("opened fire", new[] { "opened fire" })]
    public void A_marked_lemma_gives_its_regular_forms(string phrase, string[] forms)
    {
        EnglishInflections.Expand(phrase).ShouldBe(forms, ignoreOrder: true);
    }

    [Fact]
    public void An_unknown_mark_is_a_lexicon_error_naming_the_phrase()
    {
        Should.Throw<InvalidDataException>(() => EnglishInflections.Expand("strike~x")).Message.ShouldContain("strike~x");
    }

    [Theory]
    [InlineData("Coalition warplanes carried out airstrikes on the town of Hajin on Monday.", "Explosions/Remote violence")]
    [InlineData("Regime forces shelled the town of Kafr Nabl on Monday.", "Explosions/Remote violence")]
    [InlineData("Rebels clashed with regime forces in the town of Kafr Nabl on Monday.", "Battles")]
    [InlineData("Unidentified gunmen opened fire on a checkpoint in the town of Kafr Nabl on Monday.", "Battles")]
    public void Generated_forms_are_triggers(string text, string eventType)
    {
        new IncidentExtractor().Extract(new ExtractionInput(text, "en", new DateOnly(2020, 2, 4))).ShouldHaveSingleItem().EventType.ShouldBe(eventType);
    }
}

public class PlaceMentionTests
{
    private static readonly IncidentExtractor Extractor = new();

    private static IReadOnlyList<PlaceFound> Places(string text, string language = "en") =>
        Extractor.Extract(new ExtractionInput(text, language, new DateOnly(2020, 2, 4))).ShouldHaveSingleItem().Places;

    [Fact]
    public void A_feature_word_after_a_name_says_how_the_event_relates_to_it()
    {
        var places = Places("Regime forces shelled Al-Sirmaniyah town in Hama countryside and the Raju area.");

        places.ShouldContain(p => p.Name == "Al-Sirmaniyah" && p.Relation == "in");
        places.ShouldContain(p => p.Name == "Hama" && p.Relation == "countryside-of");
        places.ShouldContain(p => p.Name == "Raju" && p.Relation == "area");
    }

    [Fact]
    public void Every_capitalised_name_is_a_free_mention_but_groups_abbreviations_and_dateline_words_are_not()
    {
        var places = Places("On Sun 2 February, Sultan Murad Division fighters and QSD clashed as regime forces captured Kafr Nabl.");

        places.ShouldContain(p => p.Name == "Kafr Nabl" && p.Relation == "mention");
        places.ShouldNotContain(p => p.Name.Contains("Sultan", StringComparison.Ordinal) || p.Name == "QSD" || p.Name == "Sun");
    }

    [Fact]
    public void Arabic_runs_outside_the_lexicons_are_free_mentions_and_countries_are_named_as_such()
    {
        var places = Places("قصفت القوات التركية قرية الدادات شمال منبج.", "ar");

        places.ShouldContain(p => p.Relation == "in" && p.Name == "الدادات");
        places.ShouldContain(p => p.Relation == "country" && p.Hints[0] == "TR");
    }

    [Fact]
    public void The_headline_places_travel_with_the_incident_as_its_setting()
    {
        var incident = Extractor.Extract(new ExtractionInput("Fighting near Saraqib\n\nTwo fighters were killed when clashes broke out on Monday.", "en",
            new DateOnly(2020, 2, 4))).ShouldHaveSingleItem();

        incident.Places.ShouldContain(p => p.Name == "Saraqib");
    }
}

public class BattleWithShellingTests
{
    private static readonly IncidentExtractor Extractor = new();

    [Theory]
    [InlineData("Regime forces shelled the town of Kafr Nabl on Monday amid clashes with rebel factions.")]
    [InlineData("Rebels clashed with regime forces in the town of Kafr Nabl on Monday. The clashes were accompanied by an exchange of shelling.")]
    [InlineData("اشتبكت فصائل المعارضة مع قوات النظام في بلدة كفرنبل، وسط قصف مدفعي متبادل.")]
    public void A_clash_with_shelling_around_it_is_one_battle(string text)
    {
        var incident = Extractor.Extract(new ExtractionInput(text, Platform.Text.Tokenizer.IsArabic(text[..1]) ? "ar" : "en", new DateOnly(2020, 2, 4)))
            .ShouldHaveSingleItem();

        incident.EventType.ShouldBe("Battles");
    }
}

public class CombatantVictimTests
{
    private static readonly IncidentExtractor Extractor = new();

    [Theory]
    [InlineData("Unknown gunmen shot and killed a soldier in the town of Kafr Nabl on Monday.", "Battles")]
    [InlineData("Unknown gunmen shot and killed two civilians in the town of Kafr Nabl on Monday.", "Violence against civilians")]
    [InlineData("Militants executed a shepherd in the town of Kafr Nabl on Monday.", "Violence against civilians")]
    [InlineData("A soldier was shot dead in the town of Kafr Nabl on Monday.", "Battles")]
    public void An_attack_on_a_combatant_is_a_battle_and_on_civilians_violence_against_civilians(string text, string eventType)
    {
        Extractor.Extract(new ExtractionInput(text, "en", new DateOnly(2020, 2, 4))).ShouldHaveSingleItem().EventType.ShouldBe(eventType);
    }
}

public class CapturedCombatantTests
{
    private static readonly IncidentExtractor Extractor = new();

    [Theory]
    [InlineData("HTS detained two Hurras al-Din fighters in the town of Sarmada on Monday.", "en", "Battles", "Armed clash")]
    [InlineData("Two soldiers were kidnapped by an unknown armed group in the town of Busra on Monday.", "en", "Battles", "Armed clash")]
    [InlineData("Regime forces arrested three women in the town of Busra on Monday.", "en", "Strategic developments", "Arrests")]
    [InlineData("Gunmen kidnapped two civilians in the town of Busra on Monday.", "en", "Violence against civilians", "Abduction/forced disappearance")]
    [InlineData("اختطف مسلحون مجهولون عنصرين من قوات النظام في بلدة بصرى يوم الاثنين.", "ar", "Battles", "Armed clash")]
    [InlineData("A QSD member's body was found with torture marks near the old bridge in the town of Busra.", "en", "Battles", "Armed clash")]
    [InlineData("A man's body was found with torture marks near the old bridge in the town of Busra.", "en", "Violence against civilians", "Attack")]
    public void The_capture_of_combatants_is_a_battle_and_of_civilians_is_not(string text, string language, string eventType, string subEventType)
    {
        var incident = Extractor.Extract(new ExtractionInput(text, language, new DateOnly(2020, 2, 4))).ShouldHaveSingleItem();

        incident.EventType.ShouldBe(eventType);
        incident.SubEventType.ShouldBe(subEventType);
    }
}

public class ExchangedShellingTests
{
    private static readonly IncidentExtractor Extractor = new();

    [Theory]
    [InlineData("Regime forces and HTS exchanged shelling along the frontlines of Kafr Nabl on Monday.", "en")]
    [InlineData("A rocket shelling exchange took place between regime forces and rebels on the Kafr Nabl frontline on Monday.", "en")]
    [InlineData("The rebels shelled the town of Kafr Nabl and as a response the army shelled rebel positions near it.", "en")]
    [InlineData("تبادلت قوات النظام وفصائل المعارضة القصف المدفعي على محاور بلدة كفرنبل يوم الاثنين.", "ar")]
    [InlineData("Russian ground forces shelled rebel fighters in the Ein Issa area. Turkish forces responded by shelling the Russian base.", "en")]
    [InlineData("Israeli warplanes conducted airstrikes on the town of Dimas, while Syrian air defenses engaged the Israeli missiles.", "en")]
    public void Shelling_both_sides_exchange_is_an_armed_clash(string text, string language)
    {
        var incident = Extractor.Extract(new ExtractionInput(text, language, new DateOnly(2020, 2, 4))).ShouldHaveSingleItem();

        incident.EventType.ShouldBe("Battles");
        incident.Rules["event_type"].ShouldContain("exchanged");
    }

    [Fact]
    public void A_coded_toll_after_a_lead_without_a_place_is_the_leads()
    {
        var incident = Extractor.Extract(new ExtractionInput(
            "HTS fighters targeted regime positions which resulted in human losses. In response, regime forces attacked the area with airstrikes. Unknown number of fatalities coded to 10.",
            "en", new DateOnly(2020, 2, 4))).ShouldHaveSingleItem();

        incident.Fatalities.ShouldBe(10);
        incident.Rules["fatalities"].ShouldStartWith("coded toll");
    }

    [Fact]
    public void Shelling_at_the_place_and_on_the_day_of_a_battle_the_report_tells_is_that_battle()
    {
        var incident = Extractor.Extract(new ExtractionInput(
            "Heavy clashes took place between regime forces and rebel groups in the town of Zamalka. In addition, warplanes shelled areas in the town of Zamalka.",
            "en", new DateOnly(2020, 2, 4))).ShouldHaveSingleItem();

        incident.EventType.ShouldBe("Battles");
        incident.Rules["merged"].ShouldBe("1 more sentence(s)");
    }

    [Fact]
    public void Air_strikes_on_another_town_of_the_battles_countryside_are_an_incident_of_their_own()
    {
        // The shared "Raqqa countryside" is where both towns lie, not one place: two events, two incidents.
        var incidents = Extractor.Extract(new ExtractionInput(
            "Clashes broke out between the Syrian Democratic Forces and Islamic State fighters near al-Tabqa in the Raqqa countryside on Thursday, and 4 fighters were killed. " +
            "The local council said it was preparing a plan to repair water pipes. " +
            "Russian warplanes carried out air strikes on Tal Abyad in the Raqqa countryside on Thursday, killing 5 civilians.",
            "en", new DateOnly(2020, 3, 13)));

        incidents.Select(i => (i.EventType, i.Places[0].Name, i.Fatalities)).ShouldBe(
            [("Battles", "al-Tabqa", 4), ("Explosions/Remote violence", "Tal Abyad", 5)]);
        incidents[0].Actors.Select(a => a.ActorId).ShouldBe(["sdf", "isis"], ignoreOrder: true);
    }

    [Fact]
    public void Shelling_of_the_countryside_where_a_battle_is_fought_is_that_battle()
    {
        var incident = Extractor.Extract(new ExtractionInput(
            "Clashes broke out between regime forces and rebels in the Hama countryside on Monday. Warplanes shelled the Hama countryside on Monday.",
            "en", new DateOnly(2020, 2, 4))).ShouldHaveSingleItem();

        incident.EventType.ShouldBe("Battles");
    }

    [Fact]
    public void Shelling_by_one_side_stays_remote_violence()
    {
        var incident = Extractor.Extract(new ExtractionInput("Regime forces shelled the town of Kafr Nabl on Monday.", "en", new DateOnly(2020, 2, 4)))
            .ShouldHaveSingleItem();

        incident.EventType.ShouldBe("Explosions/Remote violence");
    }
}

public class FrontNameTests
{
    [Fact]
    public void A_front_named_after_a_village_is_an_area_of_it_not_a_group()
    {
        var incident = new IncidentExtractor().Extract(new ExtractionInput("Regime forces clashed with rebels on the Kafr Nabl front on Monday.", "en",
            new DateOnly(2020, 2, 4))).ShouldHaveSingleItem();

        incident.Places.ShouldContain(p => p.Name == "Kafr Nabl" && p.Relation == "area");
    }
}
