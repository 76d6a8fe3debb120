using Platform.Geocoding.Engine;
using Platform.Testing;

namespace Platform.Geocoding.Tests;

/// <summary>Loads the shared gazetteer once for all tests of the class.</summary>
public sealed class SyriaGazetteer
{
    public Gazetteer Gazetteer { get; } = Gazetteer.Load(new GazetteerOptions { Directory = RepositoryPaths.Gazetteer, Countries = ["SY", "IQ", "LB"] });
}

public class GeocoderTests(SyriaGazetteer fixture) : IClassFixture<SyriaGazetteer>
{
    private readonly Geocoder _geocoder = new(fixture.Gazetteer);

    [Theory]
    [InlineData("الباغوز", 171944)]
    [InlineData("عين ديوار", 172142)]
    [InlineData("القامشلي", 173377)]
    [InlineData("Qamishli", 173377)]
    [InlineData("Jarjanaz", 169168)]
    [InlineData("Baghdad", 98182)]
    [InlineData("Hasakah", 173811)]
    public void Known_names_resolve_to_their_GeoNames_place(string name, long geonameId)
    {
        var result = _geocoder.Resolve([new PlaceQuery(name, "in", [])]);

        result.ShouldNotBeNull();
        result.Place.GeonameId.ShouldBe(geonameId);
        result.Precision.ShouldBe(1);
    }

    [Fact]
    public void A_hint_from_the_text_picks_the_right_one_of_two_places_sharing_a_name()
    {
        // "صور" is Tyre in Lebanon, which GeoNames also calls "الصور"; the "الصور" north of Deir ez-Zor is
        // Aş Şuwar. Without context the larger town wins; the hint the extractor passes decides otherwise.
        _geocoder.Resolve([new PlaceQuery("صور", "in", [])])!.Place.GeonameId.ShouldBe(267008);
        _geocoder.Resolve([new PlaceQuery("الصور", "in", [])])!.Place.GeonameId.ShouldBe(267008);
        _geocoder.Resolve([new PlaceQuery("الصور", "in", ["دير الزور"])])!.Place.GeonameId.ShouldBe(172413);
    }

    [Fact]
    public void Near_a_place_is_precision_2_at_its_coordinates()
    {
        var result = _geocoder.Resolve([new PlaceQuery("القامشلي", "near", [])]);

        result.ShouldNotBeNull();
        result.Precision.ShouldBe(2);
        result.Place.Latitude.ShouldBe(37.05215, 1e-5);
        result.Admin1Name.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public void An_unknown_village_near_a_known_town_resolves_to_the_town_with_precision_2()
    {
        var result = _geocoder.Resolve([new PlaceQuery("خربة لا وجود لها", "in", []), new PlaceQuery("القامشلي", "near", [])]);

        result.ShouldNotBeNull();
        result.Place.GeonameId.ShouldBe(173377);
        result.Precision.ShouldBe(2);
    }

    [Fact]
    public void A_name_followed_by_other_words_resolves_by_its_longest_known_prefix()
    {
        var result = _geocoder.Resolve([new PlaceQuery("عين ديوار الطريق", "in", [])]);

        result.ShouldNotBeNull();
        result.Place.GeonameId.ShouldBe(172142);
        result.MatchedText.ShouldBe("عين ديوار");
    }

    [Fact]
    public void A_name_followed_by_a_hundred_thousand_words_resolves_by_its_prefix_at_once()
    {
        // Found by the property tests: every prefix length was tried, each joined anew, so this took minutes.
        var name = "عين ديوار " + string.Join(' ', Enumerable.Repeat("الطريق", 100_000));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var result = _geocoder.Resolve([new PlaceQuery(name, "in", [])]);

        result.ShouldNotBeNull().Place.GeonameId.ShouldBe(172142);
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Nothing_known_resolves_to_nothing()
    {
        _geocoder.Resolve([new PlaceQuery("لا مكان", "in", [])]).ShouldBeNull();
        _geocoder.Resolve([]).ShouldBeNull();
    }
}

public class GazetteerLoadingTests
{
    [Fact]
    public void Loading_reports_places_and_no_malformed_rows_for_the_shared_data()
    {
        var gazetteer = Gazetteer.Load(new GazetteerOptions { Directory = RepositoryPaths.Gazetteer, Countries = ["SY"] });

        gazetteer.Report.Places.ShouldBeGreaterThan(10_000);
        gazetteer.Report.MalformedRows.ShouldBe(0);
    }

    [Fact]
    public void Malformed_rows_are_counted_not_fatal()
    {
        var directory = Directory.CreateTempSubdirectory("gazetteer");
        try
        {
            // A country of its own, so the curated overlay (Syrian features) adds nothing here.
            File.WriteAllLines(Path.Combine(directory.FullName, "XX.txt"),
            [
                "172413\tAş Şuwar\tAs Suwar\tالصور\t35.50603\t40.65671\tP\tPPL\tSY\t\t07\t\t\t\t0\t\t\t\t",
                "not a row",
                "1\tBad latitude\tBad\t\tninety\t40\tP\tPPL\tSY\t\t07\t\t\t\t0\t\t\t\t",
            ]);

            var gazetteer = Gazetteer.Load(new GazetteerOptions { Directory = directory.FullName, Countries = ["XX"] });

            gazetteer.Report.Places.ShouldBe(1);
            gazetteer.Report.MalformedRows.ShouldBe(2);
            gazetteer.Find("الصور").Single().GeonameId.ShouldBe(172413);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_worldwide_dump_loads_under_its_own_name()
    {
        var directory = Directory.CreateTempSubdirectory("gazetteer-all");
        try
        {
            File.Copy(Path.Combine(RepositoryPaths.Gazetteer, "SY.txt"), Path.Combine(directory.FullName, "allCountries.txt"));

            var gazetteer = Gazetteer.Load(new GazetteerOptions { Directory = directory.FullName, Countries = ["allcountries"] });

            gazetteer.Get(172413).ShouldNotBeNull();
            gazetteer.Find("مطار القامشلي").ShouldNotBeEmpty();
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_missing_folder_or_file_is_an_error_naming_the_setting()
    {
        Should.Throw<InvalidOperationException>(() => Gazetteer.Load(new GazetteerOptions { Directory = "/no/such/folder" }))
            .Message.ShouldContain("Gazetteer:Directory");
        Should.Throw<InvalidOperationException>(() => Gazetteer.Load(new GazetteerOptions { Directory = RepositoryPaths.Gazetteer, Countries = ["XX"] }))
            .Message.ShouldContain("Gazetteer:Countries");
    }
}

/// <summary>Names shared by several places, settled by what else the text says.</summary>
public class DisambiguationTests(SyriaGazetteer fixture) : IClassFixture<SyriaGazetteer>
{
    private readonly Geocoder _geocoder = new(fixture.Gazetteer);

    [Fact]
    public void Sinjar_goes_to_Iraq_when_the_article_is_about_Iraq()
    {
        var results = _geocoder.ResolveArticle(
        [
            [new PlaceQuery("سنجار", "in", [])],
            [new PlaceQuery("الموصل", "in", [])],
        ]);

        results[0]!.Place.CountryCode.ShouldBe("IQ");
    }

    [Fact]
    public void The_countryside_named_in_the_same_incident_picks_the_village()
    {
        // Four Sinjars in the data; "بريف إدلب" settles on the one in Idlib governorate (admin1 12).
        var result = _geocoder.Resolve([new PlaceQuery("سنجار", "in", []), new PlaceQuery("إدلب", "countryside-of", [])]);

        result!.Place.GeonameId.ShouldBe(164094);
        result.Precision.ShouldBe(1);
    }

    [Fact]
    public void Al_Malikiyah_north_of_Hasakah_is_the_one_in_Hasakah_governorate()
    {
        var result = _geocoder.Resolve([new PlaceQuery("المالكية", "in", ["الحسكة"])]);

        result!.Place.GeonameId.ShouldBe(173530);
    }

    [Fact]
    public void Ras_al_Ain_with_Hasakah_as_hint_is_the_border_town_not_one_of_the_eight_others()
    {
        var result = _geocoder.Resolve([new PlaceQuery("رأس العين", "in", ["الحسكة"])]);

        result!.Place.GeonameId.ShouldBe(165509);
        result.MatchedText.ShouldBe("راس العين");
        result.RunnersUp.ShouldNotBeEmpty();
    }

    [Fact]
    public void Country_focus_is_the_country_of_the_unambiguous_names()
    {
        _geocoder.CountryFocus([new PlaceQuery("الموصل", "in", []), new PlaceQuery("كركوك", "in", [])]).ShouldBe("IQ");
        _geocoder.CountryFocus([new PlaceQuery("لا مكان", "in", [])]).ShouldBeNull();
    }
}

public class AdminInferenceTests(SyriaGazetteer fixture) : IClassFixture<SyriaGazetteer>
{
    [Fact]
    public void A_row_without_admin_codes_takes_those_of_its_nearest_neighbour()
    {
        // Saraqib and Manbij have no admin1 code in the data; they lie in Idlib and Aleppo governorates.
        var geocoder = new Geocoder(fixture.Gazetteer);

        geocoder.Resolve([new PlaceQuery("سراقب", "in", [])])!.Admin1Name.ShouldBe("Idlib");
        geocoder.Resolve([new PlaceQuery("منبج", "in", [])])!.Admin1Name.ShouldBe("Aleppo");
    }
}

public class WhosOnFirstTests(SyriaGazetteer fixture) : IClassFixture<SyriaGazetteer>
{
    [Fact]
    public void The_curated_overlay_adds_aliases_to_a_feature_already_there_instead_of_a_twin()
    {
        var airports = fixture.Gazetteer.Find("Kamishli Airport");

        airports.ShouldHaveSingleItem().Latitude.ShouldBe(37.0206, 1e-3);
        fixture.Gazetteer.Find("مطار القامشلي").ShouldHaveSingleItem();
    }

    [Fact]
    public void Without_the_extras_the_overlay_supplies_the_feature_itself()
    {
        var directory = Directory.CreateTempSubdirectory("gazetteer-overlay");
        try
        {
            File.Copy(Path.Combine(RepositoryPaths.Gazetteer, "SY.txt"), Path.Combine(directory.FullName, "SY.txt"));

            var gazetteer = Gazetteer.Load(new GazetteerOptions { Directory = directory.FullName, Countries = ["SY"] });

            var airport = gazetteer.Find("مطار القامشلي").ShouldHaveSingleItem();
            Gazetteer.IsWhosOnFirst(airport).ShouldBeTrue();
            airport.Longitude.ShouldBe(41.1914, 1e-4);
            airport.Admin1Code.ShouldBe("01");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Features_GeoNames_lacks_come_from_the_Whos_On_First_extras_without_a_GeoNames_id()
    {
        var airport = new Geocoder(fixture.Gazetteer).Resolve([new PlaceQuery("مطار القامشلي", "in", [])]);

        airport.ShouldNotBeNull();
        Gazetteer.IsWhosOnFirst(airport.Place).ShouldBeTrue();
        airport.Place.Latitude.ShouldBe(37.0206, 1e-3);
        airport.Place.Longitude.ShouldBe(41.1914, 1e-3);
        airport.Admin1Name.ShouldBe("Al-Hasakah");
    }
}

public class TransliterationTests(SyriaGazetteer fixture) : IClassFixture<SyriaGazetteer>
{
    private readonly Geocoder _geocoder = new(fixture.Gazetteer);

    [Theory]
    [InlineData("Deir ez-Zor", 170794)]
    [InlineData("Dayr az Zawr", 170794)]
    [InlineData("Deir al-Zor", 170794)]
    [InlineData("Qamishli", 173377)]
    [InlineData("Al Qāmishlī", 173377)]
    [InlineData("Kamishli", 173377)]
    [InlineData("Hasaka", 173811)]
    public void Transliteration_variants_find_the_same_town(string name, long geonameId)
    {
        var result = _geocoder.Resolve([new PlaceQuery(name, "in", [])]);

        result.ShouldNotBeNull(name);
        result.Place.GeonameId.ShouldBe(geonameId, name);
    }

    [Theory]
    [InlineData("Deir ez-Zor", "dr zr")]
    [InlineData("Dayr az Zawr", "dr zr")]
    [InlineData("Qamishli", "kmshl")]
    [InlineData("Kamishli", "kmshl")]
    [InlineData("Al-Hasakah", "hsk")]
    public void The_skeleton_drops_vowels_articles_and_variant_letters(string name, string skeleton) =>
        Gazetteer.Skeleton(name).ShouldBe(skeleton);
}

public class NamedAmbiguityTests(SyriaGazetteer fixture) : IClassFixture<SyriaGazetteer>
{
    private readonly Geocoder _geocoder = new(fixture.Gazetteer);

    [Fact]
    public void Hawija_near_Kirkuk_is_the_Iraqi_town()
    {
        var result = _geocoder.ResolveArticle([[new PlaceQuery("الحويجة", "in", [])], [new PlaceQuery("كركوك", "in", [])]])[0];

        result!.Place.GeonameId.ShouldBe(390188);
    }

    [Fact]
    public void Sinjar_in_Nineveh_province_is_in_Iraq()
    {
        var result = _geocoder.Resolve([new PlaceQuery("Sinjar", "in", []), new PlaceQuery("Nineveh province", "in", [])]);

        result!.Place.CountryCode.ShouldBe("IQ");
    }

    [Fact]
    public void A_province_alone_is_a_region_with_precision_3()
    {
        var result = _geocoder.Resolve([new PlaceQuery("محافظة دهوك", "in", [])]);

        result!.Place.FeatureClass.ShouldBe("A");
        result.Precision.ShouldBe(3);
    }
}

public class CliticTests(SyriaGazetteer fixture) : IClassFixture<SyriaGazetteer>
{
    private readonly Geocoder _geocoder = new(fixture.Gazetteer);

    [Theory]
    [InlineData("وسراقب", 164816)]
    [InlineData("بسراقب", 164816)]
    [InlineData("ومنبج", 167357)]
    [InlineData("والقامشلي", 173377)]
    [InlineData("للقامشلي", 173377)]
    public void A_clitic_is_peeled_when_the_rest_is_a_known_name(string name, long geonameId) =>
        _geocoder.Resolve([new PlaceQuery(name, "in", [])])!.Place.GeonameId.ShouldBe(geonameId);

    [Fact]
    public void A_name_that_starts_like_a_clitic_is_matched_whole()
    {
        // بنش (Binnish) begins with ب; it is found as written, not as ب + نش.
        var result = _geocoder.Resolve([new PlaceQuery("بنش", "in", [])]);

        result.ShouldNotBeNull();
        result.MatchedText.ShouldBe("بنش");
    }
}

public class GeocoderFallbackTests(SyriaGazetteer fixture) : IClassFixture<SyriaGazetteer>
{
    private readonly Geocoder _geocoder = new(fixture.Gazetteer);

    [Fact]
    public void A_generic_word_with_an_unknown_name_finds_nothing_even_by_skeleton() =>
        _geocoder.Resolve([new PlaceQuery("Tel Xyzzy", "in", [])]).ShouldBeNull();

    [Fact]
    public void A_prefix_ending_in_an_article_is_never_tried()
    {
        var result = _geocoder.Resolve([new PlaceQuery("Dair al-Zour", "in", [])]);

        result.ShouldNotBeNull();
        result.Place.CountryCode.ShouldBe("SY");
        result.Place.Admin1Code.ShouldBe("07");
    }

    [Fact(Timeout = 10_000)]
    public async Task Names_made_of_clitic_letters_are_resolved_quickly()
    {
        var name = "قرية " + new string('ل', 40);

        var result = await Task.Run(() => _geocoder.ResolveArticle([[new PlaceQuery(name, "in", [])]]));

        result.ShouldHaveSingleItem();
    }
}
