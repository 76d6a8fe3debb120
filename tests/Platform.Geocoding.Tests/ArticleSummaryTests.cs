using Platform.Geocoding.Engine;

namespace Platform.Geocoding.Tests;

/// <summary>An event summed up over governorates and then told in each: the summary adds no incident where details exist.</summary>
public class ArticleSummaryTests(RegionGazetteer fixture) : IClassFixture<RegionGazetteer>
{
    private readonly Geocoder _geocoder = new(fixture.Gazetteer, defaultFocus: "SY");

    private static readonly DateOnly Day = new(2015, 8, 5);

    private IReadOnlySet<int> Summaries(params (string Type, int Evidence, PlaceQuery[] Mentions)[] incidents)
    {
        var places = _geocoder.ResolveArticle(incidents.Select(i => (IReadOnlyList<PlaceQuery>)i.Mentions).ToList());
        return ArticleSummaries.Find(incidents.Select((i, index) => new ArticleSummaries.Told(i.Type, Day.AddDays(-1), Day, i.Evidence, places[index])).ToList());
    }

    private const string Strike = "Explosions/Remote violence";

    [Fact]
    public void A_governorate_of_a_summary_list_that_a_detail_reaches_is_left_out_and_the_others_stay()
    {
        // "قصف ... في دير الزور والحسكة والرقة", then "استهداف مبنى ... في مدينة الميادين بريف دير الزور".
        var summaries = Summaries(
            (Strike, 10, [new PlaceQuery("دير الزور", "mention", [])]),
            (Strike, 10, [new PlaceQuery("الحسكة", "mention", [])]),
            (Strike, 10, [new PlaceQuery("الرقة", "mention", [])]),
            (Strike, 200, [new PlaceQuery("الميادين", "in", []), new PlaceQuery("دير الزور", "countryside-of", [])]));

        summaries.ShouldBe([0]);
    }

    [Fact]
    public void A_detail_in_a_governorates_countryside_is_finer_than_the_governorate_in_a_summary_list()
    {
        // "... في دير الزور والحسكة والرقة", then "استهداف مواقع ... ومناطق بريف الحسكة".
        var summaries = Summaries(
            (Strike, 10, [new PlaceQuery("دير الزور", "mention", [])]),
            (Strike, 10, [new PlaceQuery("الحسكة", "mention", [])]),
            (Strike, 10, [new PlaceQuery("الرقة", "mention", [])]),
            (Strike, 300, [new PlaceQuery("الحسكة", "countryside-of", [])]));

        summaries.ShouldBe([1]);
    }

    [Fact]
    public void A_list_of_towns_is_no_summary_nor_is_a_governorate_told_alone_or_a_detail_of_another_type()
    {
        Summaries(
            (Strike, 10, [new PlaceQuery("الميادين", "mention", [])]),
            (Strike, 10, [new PlaceQuery("البوكمال", "mention", [])]),
            (Strike, 200, [new PlaceQuery("القورية", "in", []), new PlaceQuery("دير الزور", "countryside-of", [])])).ShouldBeEmpty();
        Summaries(
            (Strike, 10, [new PlaceQuery("دير الزور", "in", [])]),
            (Strike, 200, [new PlaceQuery("الميادين", "in", [])])).ShouldBeEmpty();
        Summaries(
            (Strike, 10, [new PlaceQuery("دير الزور", "mention", [])]),
            (Strike, 10, [new PlaceQuery("الرقة", "mention", [])]),
            ("Battles", 200, [new PlaceQuery("الميادين", "in", [])])).ShouldBeEmpty();
    }
}
