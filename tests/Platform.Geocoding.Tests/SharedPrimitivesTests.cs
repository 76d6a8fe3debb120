using Platform.Text;

namespace Platform.Geocoding.Tests;

/// <summary>The script test and the distance every stage shares (Platform.Text).</summary>
public class SharedPrimitivesTests
{
    [Theory]
    [InlineData('د', true)]
    [InlineData('ۀ', true)]
    [InlineData('\uFEFB', true)] // lam-alef ligature, a presentation form
    [InlineData('\u0750', true)] // Arabic supplement
    [InlineData('D', false)]
    [InlineData('7', false)]
    [InlineData('\u200F', false)] // right-to-left mark: a control, not a letter of the script
    public void A_character_is_Arabic_by_its_block(char c, bool arabic) => Script.IsArabic(c).ShouldBe(arabic);

    [Fact]
    public void A_word_is_Arabic_by_its_first_character()
    {
        Script.IsArabic("دير الزور").ShouldBeTrue();
        Script.IsArabic("Deir ez-Zor").ShouldBeFalse();
        Script.IsArabic("").ShouldBeFalse();
    }

    [Fact]
    public void The_great_circle_distance_is_the_haversine_on_the_mean_radius()
    {
        GreatCircle.Km(35, 40, 36, 40).ShouldBe(111.195, 0.001);
        GreatCircle.Km(0, 0, 0, 180).ShouldBe(Math.PI * GreatCircle.EarthRadiusKm, 1e-6);
        // Deir ez-Zor to Raqqa, about 120 km.
        GreatCircle.Km(35.336, 40.141, 35.950, 39.019).ShouldBe(121.6, 1);
    }
}
