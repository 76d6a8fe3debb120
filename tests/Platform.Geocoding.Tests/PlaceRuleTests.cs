using Platform.Geocoding.Engine;
using Platform.Testing;

namespace Platform.Geocoding.Tests;

/// <summary>All five shared countries, so cross-border homonyms (Eşen, Sağırsu, Tyre) are there to be refused.</summary>
public sealed class RegionGazetteer
{
    public Gazetteer Gazetteer { get; } = Gazetteer.Load(new GazetteerOptions { Directory = RepositoryPaths.Gazetteer });
}

/// <summary>The place rules one by one: hierarchy, fallbacks with their precision, transliterations, possessives,
/// common words, and the refusal to cross a border on a fuzzy match alone.</summary>
public class PlaceRuleTests(RegionGazetteer fixture) : IClassFixture<RegionGazetteer>
{
    private readonly Geocoder _geocoder = new(fixture.Gazetteer);

    private GeocodeResult? One(params PlaceQuery[] mentions) => _geocoder.ResolveArticle([mentions])[0];

    [Theory]
    [InlineData("Al-Sirmaniyah", "Hama", 164077)]
    [InlineData("السرمانية", "حماة", 164077)]
    public void The_town_is_the_place_and_its_countryside_a_hint(string town, string countryside, long geonameId)
    {
        var result = One(new PlaceQuery(town, "in", []), new PlaceQuery(countryside, "countryside-of", [])).ShouldNotBeNull();

        result.Place.GeonameId.ShouldBe(geonameId);
        result.Precision.ShouldBe(1);
        result.Admin1Name.ShouldBe("Hama");
        result.Rule.ShouldStartWith("cue:in");
    }

    [Theory]
    [InlineData("Zzyzx", "Hama", 170017)]
    [InlineData("قرية لا وجود لها", "حماة", 170017)]
    public void An_unknown_village_in_a_countryside_falls_back_to_its_town_with_precision_2(string unknown, string countryside, long geonameId)
    {
        var result = One(new PlaceQuery(unknown, "in", []), new PlaceQuery(countryside, "countryside-of", [])).ShouldNotBeNull();

        result.Place.GeonameId.ShouldBe(geonameId);
        result.Precision.ShouldBe(2);
        result.Rule.ShouldStartWith("fallback:");
    }

    [Fact]
    public void An_unknown_village_in_a_governorate_falls_back_to_the_governorate_with_precision_3()
    {
        var result = One(new PlaceQuery("Zzyzx", "in", []), new PlaceQuery("Idleb", "in", [])).ShouldNotBeNull();

        result.Place.FeatureCode.ShouldBe("ADM1");
        result.Admin1Name.ShouldBe("Idlib");
        result.Precision.ShouldBe(3);
    }

    [Fact]
    public void An_unknown_facility_in_a_town_is_the_town_with_precision_2()
    {
        var result = One(new PlaceQuery("Zzyzx prison", "area", []), new PlaceQuery("Hasakah", "in", [])).ShouldNotBeNull();

        result.Place.GeonameId.ShouldBe(173811);
        result.Precision.ShouldBe(2);
    }

    [Fact]
    public void A_province_alone_is_its_governorate_with_precision_3()
    {
        var result = One(new PlaceQuery("Idlib", "region", [])).ShouldNotBeNull();

        result.Place.FeatureCode.ShouldBe("ADM1");
        result.Precision.ShouldBe(3);
    }

    [Fact]
    public void A_governorate_namesake_named_after_a_village_of_it_is_a_container_not_the_place()
    {
        // "captured Jubbayn in Hama": the free mention Jubbayn is the place, Hama only says where it lies.
        var result = One(new PlaceQuery("Hama", "in", []), new PlaceQuery("Sirmaniyah", "mention", [])).ShouldNotBeNull();

        result.Place.GeonameId.ShouldBe(164077);
        result.Precision.ShouldBe(1);
    }

    [Theory]
    [InlineData("Deir Ezzor", 170794)]
    [InlineData("Deir ez-Zor", 170794)]
    [InlineData("Dayr az Zawr", 170794)]
    [InlineData("Deir al-Zor", 170794)]
    public void Transliterations_of_Deir_ez_Zor_reach_the_city(string name, long geonameId)
    {
        One(new PlaceQuery(name, "in", []), new PlaceQuery("Hasakah", "in", [])).ShouldNotBeNull().Place.GeonameId.ShouldBe(geonameId);
    }

    [Theory]
    [InlineData("Ein Issa", "Raqqa", 172134)]
    [InlineData("Ain Issa", "Raqqa", 172134)]
    [InlineData("Ayn Issa", "Raqqa", 172134)]
    [InlineData("Ein Terma", "Damascus", 172105)]
    [InlineData("Tal Tamer", "Hasakah", 163434)]
    [InlineData("Tell Tamer", "Hasakah", 163434)]
    [InlineData("Jbine", "Hama", 168940)]
    [InlineData("Tir Maallah", "Homs", 163285)]
    public void Ein_Ain_Ayn_and_Tal_Tell_and_short_spellings_reach_the_Syrian_place_never_a_Turkish_or_Lebanese_one(
        string name, string governorate, long geonameId)
    {
        var result = One(new PlaceQuery(name, "in", []), new PlaceQuery(governorate, "countryside-of", [])).ShouldNotBeNull();

        result.Place.GeonameId.ShouldBe(geonameId);
        result.Place.CountryCode.ShouldBe("SY");
    }

    [Theory]
    [InlineData("Ein Issa")]
    [InlineData("Ein Terma")]
    [InlineData("Tir Maallah")]
    [InlineData("Syrias")]
    public void A_fuzzy_match_never_crosses_the_border_of_the_country_the_article_is_about(string name)
    {
        // The article is about Syria (Aleppo and Hama are named in another incident); nothing says Turkey or Lebanon.
        var results = _geocoder.ResolveArticle([[new PlaceQuery(name, "in", [])], [new PlaceQuery("Aleppo", "in", []), new PlaceQuery("Hama", "in", [])]]);

        if (results[0] is { } result)
        {
            result.Place.CountryCode.ShouldBe("SY");
        }
    }

    [Fact]
    public void A_skeleton_alone_with_no_country_in_play_reaches_only_a_notable_place()
    {
        One(new PlaceQuery("Ein Issa", "in", [])).ShouldBeNull();
        One(new PlaceQuery("Deir Ezzor", "in", [])).ShouldNotBeNull().Place.GeonameId.ShouldBe(170794);
    }

    [Theory]
    [InlineData("Aleppos", 170063)]
    [InlineData("Idlibs", 169389)]
    public void A_possessive_without_its_apostrophe_is_the_place(string name, long geonameId)
    {
        One(new PlaceQuery(name, "mention", [])).ShouldNotBeNull().Place.GeonameId.ShouldBe(geonameId);
    }

    [Theory]
    [InlineData("بحمص", 169577)]
    [InlineData("وحلب", 170063)]
    public void A_city_of_three_letters_is_found_behind_its_clitic(string word, long geonameId)
    {
        // Three letters left once a clitic is peeled are a word of the text ("بيان", a statement, is no "يان"), unless
        // they spell a city.
        One(new PlaceQuery(word, "mention", [])).ShouldNotBeNull().Place.GeonameId.ShouldBe(geonameId);
    }

    [Theory]
    [InlineData("Ajnad al-Sham", "sham")]
    [InlineData("Ahrar al-Sham", "sham")]
    [InlineData("Jaysh al-Islam fighters", "islam")]
    public void A_group_named_after_a_place_is_not_that_place(string mention, string tail)
    {
        // A word that names no place, then the article and a name: a group's or a thing's name, not the place its last
        // word spells ("al sham" is also a village); the cued place stays the incident's.
        (One(new PlaceQuery(mention, "mention", []))?.MatchedText ?? "").ShouldNotContain(tail);
        One(new PlaceQuery("Saraqib", "in", []), new PlaceQuery(mention, "mention", [])).ShouldNotBeNull().Place.Name.ShouldBe("Saraqib");
    }

    [Fact]
    public void A_country_named_is_no_incident_place_but_a_country_focus()
    {
        One(new PlaceQuery("Syria", "mention", [])).ShouldBeNull();
        _geocoder.CountryFocus([new PlaceQuery("Syria", "mention", []), new PlaceQuery("Sinjar", "in", [])]).ShouldBe("SY");
    }

    [Theory]
    [InlineData("السلام")]
    [InlineData("الحرية")]
    [InlineData("عين")]
    [InlineData("Liberty")]
    public void A_common_word_that_is_also_a_place_name_counts_only_after_a_cue(string word)
    {
        One(new PlaceQuery(word, "mention", [])).ShouldBeNull();
    }

    [Fact]
    public void An_Arabic_adjective_that_is_a_Turkish_town_name_is_not_a_place_of_a_Syrian_article()
    {
        // "التحالف الدولي" (the international coalition): الدولي is also Develi in Turkey's alternate names.
        var result = One(new PlaceQuery("الدولي", "mention", []), new PlaceQuery("عين ديوار", "in", []), new PlaceQuery("المالكية", "in", []));

        result.ShouldNotBeNull().Place.GeonameId.ShouldBe(172142);
    }

    [Theory]
    [InlineData("القامشلي", 173377)] // a district seat (PPLA2) the gazetteer gives no population
    [InlineData("الراعي", 169138)] // al-Rai, a subdistrict seat
    public void An_administrative_seat_spelled_like_an_adjective_is_a_place_of_the_articles_country(string name, long geonameId)
    {
        // "قصفت قوات النظام القامشلي": the article and the nisba ending do not make a district seat an adjective, in an
        // article about Syria (the services' default focus).
        new Geocoder(fixture.Gazetteer, "SY").ResolveArticle([[new PlaceQuery(name, "mention", [])]])[0]
            .ShouldNotBeNull().Place.GeonameId.ShouldBe(geonameId);
    }

    [Fact]
    public void Free_mentions_find_the_known_name_inside_a_run_of_words()
    {
        var result = One(new PlaceQuery("وقالت مصادر في حلب", "mention", [])).ShouldNotBeNull();

        result.Place.GeonameId.ShouldBe(170063);
        result.Rule.ShouldStartWith("mention");
    }

    [Fact]
    public void Each_place_names_its_mention_rule_and_runners_up()
    {
        var result = One(new PlaceQuery("Sinjar", "in", [])).ShouldNotBeNull();

        result.Mention.ShouldBe("Sinjar");
        result.Rule.ShouldBe("cue:in exact");
        result.RunnersUp.ShouldNotBeEmpty();
        result.Admin1Name.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public void A_spelling_near_the_incidents_other_places_beats_an_exact_alternate_name_elsewhere()
    {
        // "Basira" is an alternate name of a village in Aleppo, and a spelling of Al Busayrah in Deir ez-Zor.
        var result = One(new PlaceQuery("Basira", "in", []), new PlaceQuery("Deir-ez-Zor", "in", [])).ShouldNotBeNull();

        result.Place.GeonameId.ShouldBe(173927);
        result.Rule.ShouldContain("spelling");
    }

    [Theory]
    [InlineData("Sosa", "Abu Kamal", 172415)]
    [InlineData("Sweida", "Daraa", 172408)]
    public void Short_names_match_by_their_vowels_kind_where_a_skeleton_is_too_short(string name, string hint, long geonameId)
    {
        One(new PlaceQuery(name, "area", []), new PlaceQuery(hint, "in", [])).ShouldNotBeNull().Place.GeonameId.ShouldBe(geonameId);
    }

    [Fact]
    public void A_deployments_default_focus_lets_a_village_spelled_otherwise_resolve_when_the_article_names_nothing_else()
    {
        One(new PlaceQuery("Kaljibrin", "in", [])).ShouldBeNull();

        new Geocoder(fixture.Gazetteer, defaultFocus: "SY").ResolveArticle([[new PlaceQuery("Kaljibrin", "in", [])]])[0]
            .ShouldNotBeNull().Place.GeonameId.ShouldBe(169078);
    }

    [Fact]
    public void A_country_the_text_names_sets_the_focus_but_is_never_the_place()
    {
        var mentions = new[] { new PlaceQuery("Sinjar", "in", []), new PlaceQuery("Iraqi", "country", ["IQ"]) };

        _geocoder.CountryFocus(mentions).ShouldBe("IQ");
        One(new PlaceQuery("Iraqi", "country", ["IQ"])).ShouldBeNull();
    }

    [Fact]
    public void An_incident_whose_sentence_names_no_known_place_takes_the_articles_setting_with_precision_2()
    {
        var result = One(new PlaceQuery("Zzyzx", "mention", []), new PlaceQuery("Saraqib", "article:in", [])).ShouldNotBeNull();

        result.Place.GeonameId.ShouldBe(164816);
        result.Precision.ShouldBe(2);
        result.Rule.ShouldStartWith("fallback:article");
    }

    [Fact]
    public void The_articles_setting_never_overrides_the_incidents_own_place()
    {
        One(new PlaceQuery("Manbij", "in", []), new PlaceQuery("Saraqib", "article:in", [])).ShouldNotBeNull().Place.GeonameId.ShouldBe(167357);
    }

    [Fact]
    public void An_Arabic_spelling_with_other_long_vowels_reaches_the_place_beside_the_incidents_governorate()
    {
        // "المزاريب" for "المزيريب" (al-Muzayrib), in Daraa.
        var result = One(new PlaceQuery("المزاريب", "in", []), new PlaceQuery("درعا", "in", [])).ShouldNotBeNull();

        result.Place.GeonameId.ShouldBe(166503);
        result.Rule.ShouldContain("skeleton");
    }

    [Fact]
    public void A_district_named_after_its_seat_is_the_seat_with_precision_2()
    {
        var result = One(new PlaceQuery("Duma", "region", [])).ShouldNotBeNull();

        result.Place.GeonameId.ShouldBe(170592);
        result.Precision.ShouldBe(2);
    }

    [Fact]
    public void The_countryside_of_a_town_in_its_governorate_is_the_towns_countryside_not_the_governorates_city()
    {
        var result = One(new PlaceQuery("Ma'arrat An Nu'man", "countryside-of", []), new PlaceQuery("Idleb", "in", [])).ShouldNotBeNull();

        result.Place.GeonameId.ShouldBe(167611);
        result.Precision.ShouldBe(2);
    }

    [Fact]
    public void A_homonym_far_from_the_incidents_other_place_gives_way_to_it()
    {
        // "حي المثنى في الموصل": the Iraqi governorate of al-Muthanna is 350 km from Mosul; the neighbourhood is in Mosul.
        var result = One(new PlaceQuery("المثنى", "in", []), new PlaceQuery("الموصل", "in", [])).ShouldNotBeNull();

        result.Place.Name.ShouldBe("Mosul");
        result.Precision.ShouldBe(2);
    }

    // The deployment's setting (Gazetteer__DefaultFocus=SY): the rules below are about an article read in that region.
    private readonly Geocoder _syria = new(fixture.Gazetteer, defaultFocus: "SY");

    [Theory]
    [InlineData("Paris")]
    [InlineData("Golan")]
    public void A_hamlet_abroad_that_shares_a_name_does_not_take_the_article_out_of_its_region(string name)
    {
        // "Paris" is an alternate name of a Turkish village, "Golan" of an Iraqi one; neither country is named.
        _syria.CountryFocus([new PlaceQuery(name, "mention", [])]).ShouldBe("SY");

        if (_syria.ResolveArticle([[new PlaceQuery(name, "in", [])]])[0] is { } result)
        {
            result.Place.CountryCode.ShouldBe("SY");
        }
    }

    [Fact]
    public void A_notable_place_abroad_does_take_the_article_to_its_country()
    {
        // Ramadi is a city of 450,000: an article that names it is about Iraq even without the word.
        _syria.CountryFocus([new PlaceQuery("Ramadi", "in", [])]).ShouldBe("IQ");
        _syria.ResolveArticle([[new PlaceQuery("Ramadi", "in", [])]])[0].ShouldNotBeNull().Place.GeonameId.ShouldBe(98717);
    }

    [Fact]
    public void A_foreign_force_named_by_its_country_does_not_move_the_article_there()
    {
        // "pro-Turkey factions ... in the countryside of Ras Al Ain": Turkey is named once, the region is the prior.
        _syria.CountryFocus([new PlaceQuery("Turkey", Geocoder.CountryMention, ["TR"]), new PlaceQuery("Ras Al Ain", "countryside-of", [])])
            .ShouldBe("SY");
    }

    [Fact]
    public void A_notable_place_abroad_in_an_article_about_the_region_is_refused_unless_its_country_is_named()
    {
        // Salahuddin is an Aleppo district and an Iraqi governorate; the article is about Aleppo and never names Iraq.
        var result = _syria.ResolveArticle([[new PlaceQuery("Salahuddin", "in", []), new PlaceQuery("Aleppo", "mention", [])]])[0].ShouldNotBeNull();

        result.Place.CountryCode.ShouldBe("SY");
        result.Admin1Name.ShouldBe("Aleppo");
    }

    [Fact]
    public void A_countryside_hint_means_the_governorate_seat_not_a_hamlet_of_the_same_name()
    {
        // No Jabiryah lies in Hama governorate; Al Jabiriyah in Homs is near a hamlet called Hama, and 35 km from the city.
        var result = _syria.ResolveArticle([[new PlaceQuery("Jabiryah", "mention", []), new PlaceQuery("Hama", "countryside-of", [])]])[0].ShouldNotBeNull();

        result.Admin1Name.ShouldBe("Hama");
        result.Precision.ShouldBe(2);
        result.Rule.ShouldStartWith("fallback:");
    }

    [Fact]
    public void A_name_known_only_far_from_its_container_falls_back_to_the_container()
    {
        // "near the town of Saida in the countryside of Ein Issa in Ar-Raqqa": the Saidas the gazetteer knows are in
        // Daraa and Lebanon; the event is in Ein Issa's countryside.
        var result = _syria.ResolveArticle([[new PlaceQuery("Saida", "in", []), new PlaceQuery("Ein Issa", "countryside-of", []), new PlaceQuery("Ar-Raqqa", "in", [])]])[0]
            .ShouldNotBeNull();

        result.Place.GeonameId.ShouldBe(172134);
        result.Precision.ShouldBe(2);
        result.Rule.ShouldStartWith("fallback:countryside-of");
    }

    [Fact]
    public void A_unique_seat_spelt_exactly_outweighs_a_wrong_governorate()
    {
        // "in the vicinity of Ein Issa in Al-Hasakeh": Ein Issa is a district seat of Raqqa, the one of its name.
        var result = _syria.ResolveArticle([[new PlaceQuery("Ein Issa", "near", []), new PlaceQuery("Al-Hasakeh", "in", [])]])[0].ShouldNotBeNull();

        result.Place.GeonameId.ShouldBe(172134);
        result.Precision.ShouldBe(2);
    }

    [Theory]
    [InlineData("Thiban", "Dhiban")]
    [InlineData("Thiban", "Dhībān")]
    [InlineData("Ath Thawrah", "Adh Dhawra")]
    public void Th_and_dh_are_one_letter_in_the_spelling_keys(string one, string other)
    {
        Gazetteer.Skeleton(one).ShouldBe(Gazetteer.Skeleton(other));
        Gazetteer.LooseKey(one).ShouldBe(Gazetteer.LooseKey(other));
    }

    [Fact]
    public void Thiban_reaches_Dhiban_in_Deir_ez_Zor_countryside()
    {
        var result = _syria.ResolveArticle([[new PlaceQuery("Thiban", "near", []), new PlaceQuery("Deir-ez-Zor", "countryside-of", [])]])[0].ShouldNotBeNull();

        result.Place.GeonameId.ShouldBe(170691);
        result.Precision.ShouldBe(2);
    }

    [Theory]
    [InlineData("Upper Baguz", "Deir-ez-Zor", 171943)]
    [InlineData("Big Khwein", "Idleb", 167891)]
    public void An_english_qualifier_is_the_arabic_word_after_the_name(string name, string countryside, long geonameId)
    {
        var result = _syria.ResolveArticle([[new PlaceQuery(name, "in", []), new PlaceQuery(countryside, "countryside-of", [])]])[0].ShouldNotBeNull();

        result.Place.GeonameId.ShouldBe(geonameId);
        result.Precision.ShouldBe(1);
    }

    [Fact]
    public void Gh_and_g_are_one_letter_in_the_spelling_keys()
    {
        Gazetteer.Skeleton("Baguz").ShouldBe(Gazetteer.Skeleton("Al Baghuz"));
    }

    [Fact]
    public void A_district_named_in_a_countryside_is_its_seat_not_the_governorates_city()
    {
        // "clashes in Sharan district in Aleppo countryside"
        var result = _syria.ResolveArticle([[new PlaceQuery("Sharan", "region", []), new PlaceQuery("Aleppo", "countryside-of", [])]])[0].ShouldNotBeNull();

        result.Place.GeonameId.ShouldBe(164451);
        result.Precision.ShouldBe(2);
    }

    [Fact]
    public void A_hint_spelt_otherwise_still_supports_a_short_name()
    {
        // "in the outskirts of Jillin area in the western countryside of Darra"
        var result = _syria.ResolveArticle([[new PlaceQuery("Jillin", "near", []), new PlaceQuery("Darra", "countryside-of", [])]])[0].ShouldNotBeNull();

        result.Place.GeonameId.ShouldBe(169225);
        result.Precision.ShouldBe(2);
    }
}
