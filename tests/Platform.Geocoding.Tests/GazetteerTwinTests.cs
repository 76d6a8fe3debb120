using Platform.Geocoding.Engine;

namespace Platform.Geocoding.Tests;

/// <summary>One town that GeoNames holds twice has one id, whichever row a spelling matches.</summary>
public sealed class GazetteerTwinTests(SyriaGazetteer fixture) : IClassFixture<SyriaGazetteer>
{
    [Fact]
    public void The_Arabic_and_the_English_name_of_al_Tabqa_resolve_to_the_same_row()
    {
        // Al-Thawrah (172374, 87,880 people) and Aţ Ţabaqah (6846, no population) lie 300 m apart and share "الطبقة";
        // the English spelling matches only the second row.
        var geocoder = new Geocoder(fixture.Gazetteer);

        // As the extractor finds them in "near al-Tabqa in the Raqqa countryside" (a spelling match needs the support).
        var arabic = geocoder.Resolve([new PlaceQuery("الطبقة", "near", []), new PlaceQuery("الرقة", "countryside-of", [])]).ShouldNotBeNull();
        var english = geocoder.Resolve([new PlaceQuery("al-Tabqa", "near", []), new PlaceQuery("Raqqa", "countryside-of", [])]).ShouldNotBeNull();

        arabic.Place.GeonameId.ShouldBe(172374);
        english.Place.GeonameId.ShouldBe(172374);
        english.Rule.ShouldContain("row 6846 is a twin of 172374");
        english.Admin1Name.ShouldBe(arabic.Admin1Name);
        english.RunnersUp.ShouldNotContain(p => p.GeonameId == 172374);
    }

    [Fact]
    public void Only_a_row_without_population_near_a_populated_row_of_its_name_and_country_is_a_twin()
    {
        // Countries of their own, so the curated overlay (Syrian features) adds nothing here.
        var directory = Directory.CreateTempSubdirectory("gazetteer-twins");
        try
        {
        File.WriteAllLines(Path.Combine(directory.FullName, "XX.txt"),
        [
            Row(1, "Kafr Alpha", "كفر ألفا", 35.0000, 37.0000, population: 12_000),
            Row(2, "Kafr Alfa", "كفر ألفا", 35.0030, 37.0010, population: 0), // 350 m away: a twin
            Row(3, "Kafr Alfa", "كفر ألفا", 35.1000, 37.0000, population: 0), // 11 km away: another village
            Row(4, "Tall Beta", "تل بيتا", 36.0000, 38.0000, population: 500),
            Row(5, "Tall Betta", "تل بيتا", 36.0010, 38.0010, population: 300), // populated: its own place
            Row(6, "Ras Gamma", "رأس غاما", 36.8000, 40.0000, population: 0),
        ]);
        File.WriteAllLines(Path.Combine(directory.FullName, "YY.txt"),
        [
            Row(7, "Ceylan Gamma", "رأس غاما", 36.8050, 40.0010, population: 80_000, country: "YY"), // across the border
        ]);
        var gazetteer = Gazetteer.Load(new GazetteerOptions { Directory = directory.FullName, Countries = ["XX", "YY"] });

        gazetteer.Twins.ShouldBe(1);
        gazetteer.Canonical(gazetteer.Get(2)!).GeonameId.ShouldBe(1);
        gazetteer.Canonical(gazetteer.Get(3)!).GeonameId.ShouldBe(3);
        gazetteer.Canonical(gazetteer.Get(5)!).GeonameId.ShouldBe(5);
        gazetteer.Canonical(gazetteer.Get(6)!).GeonameId.ShouldBe(6);
        gazetteer.Canonical(gazetteer.Get(1)!).GeonameId.ShouldBe(1);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static string Row(long id, string name, string arabic, double latitude, double longitude, long population, string country = "XX") =>
        string.Join('\t', id, name, name, arabic, latitude.ToString(System.Globalization.CultureInfo.InvariantCulture),
            longitude.ToString(System.Globalization.CultureInfo.InvariantCulture), "P", "PPL", country, "", "01", "", "", "", population, "", "", "", "2020-01-01");
}
