using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Platform.Geocoding.Engine;
using Platform.Testing;
using Xunit.Abstractions;

namespace Platform.Geocoding.Tests;

/// <summary>
/// The geocoder on generated hostile place mentions (see <see cref="HostileInput"/>) against the shared gazetteer: no
/// exception, the same places for the same article, one result per incident, in bounded time that grows linearly with
/// the mentions.
/// </summary>
public sealed class HostilePlaceProperties(SyriaGazetteer fixture, ITestOutputHelper output) : IClassFixture<SyriaGazetteer>, IDisposable
{
    private readonly Geocoder _geocoder = new(fixture.Gazetteer, "SY");
    private readonly InputTimes _times = new();

    public void Dispose()
    {
        if (_times.Count > 0)
        {
            output.WriteLine(_times.ToString());
        }
    }

    private static readonly string[] Relations =
    [
        "in", "near", "north-of", "south-east-of", "countryside-of", "between", "area", "region", "mention", "country",
        "article:in", "article:mention", "article:country", "", "IN", "unknown-relation",
    ];

    private static readonly string[] PlaceNames =
    [
        "حلب", "دير الزور", "الباغوز", "عين ديوار", "القامشلي", "الصور", "صور", "ريف حلب الشمالي", "بغداد", "الموصل", "بيروت",
        "Aleppo", "Deir ez-Zor", "Qamishli", "Jarjanaz", "Manbij", "Baghdad", "Hasakah", "Sinjar", "Tell Abyad", "Ras al-Ain",
    ];

    // A real name with marks, controls or another script pressed into it, or a hostile text as a name: up to a few
    // hundred characters, as long as an extractor's mention may be (huge ones have tests of their own below).
    private static readonly Gen<string> Name = Gen.Frequency(
        (3, Gen.Elements(PlaceNames)),
        (3, Gen.Elements(PlaceNames).Zip(HostileInput.SmallText, (name, noise) => Splice(name, noise.Text))),
        (2, HostileInput.Small.Select(s => s.Text.Length <= 300 ? s.Text : s.Text[..300])),
        (1, HostileInput.Prose(12)));

    private static string Splice(string name, string noise)
    {
        var at = noise.Length % (name.Length + 1);
        return name.Insert(at, noise.Length > 40 ? noise[..40] : noise);
    }

    private static readonly Gen<PlaceQuery> Mention =
        from name in Name
        from relation in Gen.Elements(Relations)
        from hints in Gen.Choose(0, 3).SelectMany(n => Gen.ArrayOf(Gen.Frequency((4, Name), (1, Gen.Elements("SY", "IQ", "LB", "XX", "sy", ""))), n))
        select new PlaceQuery(name, relation, hints);

    /// <summary>An article's incidents, each with the mentions the extractor would pass on.</summary>
    public sealed record Article(IReadOnlyList<IReadOnlyList<PlaceQuery>> Incidents, string Family = "article")
    {
        public int Characters => Incidents.Sum(mentions => mentions.Sum(m => m.Name.Length + m.Hints.Sum(h => h.Length)));

        public override string ToString() => string.Join(" | ", Incidents.Select(mentions => string.Join("; ",
            mentions.Select(m => $"{m.Relation}: {HostileSample.Describe(m.Name)} [{string.Join(", ", m.Hints.Select(HostileSample.Describe))}]"))));
    }

    private static readonly Gen<Article> Articles =
        Gen.Choose(0, 4).SelectMany(count => Gen.ArrayOf(Gen.Choose(0, 6).SelectMany(n => Gen.ArrayOf(Mention, n)), count))
            .Select(incidents => new Article(incidents.Select(mentions => (IReadOnlyList<PlaceQuery>)mentions).ToList()));

    private static readonly Gen<Article> BigArticles =
        from big in HostileInput.Big
        from relation in Gen.Elements("in", "mention", "near", "article:mention")
        from others in Gen.ArrayOf(Mention, 2)
        select new Article([[new PlaceQuery(big.Text, relation, [big.Text[..Math.Min(big.Text.Length, 5_000)]]), .. others]], $"{relation}: {big.Family}");

    [FuzzProperty(5_000)]
    public Property Hostile_mentions_resolve_the_same_twice_one_result_per_incident() =>
        Prop.ForAll(Articles.ToArbitrary(), article => Check(article));

    [FuzzProperty(30)]
    public Property Huge_mentions_resolve_in_bounded_time() => Prop.ForAll(BigArticles.ToArbitrary(), article => Check(article));

    private void Check(Article article)
    {
        var sample = new HostileSample(article.Family, new string('\0', article.Characters));
        var places = FuzzBudget.Timed(sample, () => _geocoder.ResolveArticle(article.Incidents), _times);

        places.Count.ShouldBe(article.Incidents.Count);
        Describe(_geocoder.ResolveArticle(article.Incidents)).ShouldBe(Describe(places), "the same article was placed differently");
        foreach (var place in places.OfType<GeocodeResult>())
        {
            place.Precision.ShouldBeInRange(1, 3);
            double.IsFinite(place.Confidence).ShouldBeTrue();
            place.Place.Latitude.ShouldBeInRange(-90, 90);
            place.Place.Longitude.ShouldBeInRange(-180, 180);
        }
    }

    private static string Describe(IReadOnlyList<GeocodeResult?> places)
    {
        var text = new StringBuilder();
        foreach (var place in places)
        {
            text.Append(place is null
                ? "none"
                : string.Create(CultureInfo.InvariantCulture,
                    $"{place.Place.GeonameId} {place.Precision} {place.MatchedText} {place.Confidence:R} {place.Admin1Name} {place.Admin2Name} {place.Mention} {place.Rule} {place.NamesGovernorate} {string.Join(',', place.RunnersUp.Select(r => r.GeonameId))}"))
                .Append('\n');
        }
        return text.ToString();
    }

    public static TheoryData<int, string> HugeMentions
    {
        get
        {
            var data = new TheoryData<int, string>();
            for (var family = 0; family < HostileInput.HugeFamilies; family++)
            {
                data.Add(family, "in");
                data.Add(family, "mention");
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(HugeMentions))]
    public void Time_grows_linearly_with_a_huge_mention(int family, string relation)
    {
        output.WriteLine(relation + ": " + FuzzBudget.AssertLinear(length => HostileInput.Huge(family, length, seed: 5),
            sample => _geocoder.ResolveArticle([[new PlaceQuery(sample.Text, relation, [])]])));
    }

    [Fact]
    public void Time_grows_linearly_with_a_report_sentence_as_a_free_mention()
    {
        output.WriteLine(FuzzBudget.AssertLinear(length => HostileInput.Repeated(0, length),
            sample => _geocoder.ResolveArticle([[new PlaceQuery(sample.Text, "mention", []), new PlaceQuery("حلب", "in", [])]])));
    }
}
