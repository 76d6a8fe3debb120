using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Platform.Extraction.Engine;
using Platform.Testing;
using Xunit.Abstractions;

namespace Platform.Extraction.Tests;

/// <summary>
/// The extraction engine on generated hostile text (see <see cref="HostileInput"/>): no exception, the same incidents
/// for the same input, every span a real piece of the input, in bounded time that grows linearly with the input.
/// </summary>
public sealed class HostileTextProperties(ITestOutputHelper output) : IDisposable
{
    private static readonly IncidentExtractor Extractor = new();

    private readonly InputTimes _times = new();

    public void Dispose()
    {
        if (_times.Count > 0)
        {
            output.WriteLine(_times.ToString());
        }
    }

    private static readonly Gen<(string Language, DateOnly Published)> Context =
        from language in Gen.Elements("ar", "en", "", "fr")
        from days in Gen.Choose(0, 200 * 366)
        select (language, new DateOnly(IncidentExtractor.MinimumYear, 1, 1).AddDays(days));

    private static Arbitrary<(HostileSample Text, (string Language, DateOnly Published) Context)> Inputs(Gen<HostileSample> texts) =>
        texts.Zip(Context).ToArbitrary();

    [FuzzProperty(20_000)]
    public Property Hostile_text_gives_the_same_incidents_twice_with_spans_of_the_input() =>
        Prop.ForAll(Inputs(HostileInput.Small), input => Check(input.Text, input.Context, _times));

    [FuzzProperty(40)]
    public Property Big_hostile_text_is_extracted_in_bounded_time() =>
        Prop.ForAll(Inputs(HostileInput.Big), input => Check(input.Text, input.Context, _times));

    private static void Check(HostileSample text, (string Language, DateOnly Published) context, InputTimes times)
    {
        var input = new ExtractionInput(text.Text, context.Language, context.Published);
        var incidents = FuzzBudget.Timed(text, () => Extractor.Extract(input), times);

        JsonSerializer.Serialize(Extractor.Extract(input)).ShouldBe(JsonSerializer.Serialize(incidents), "the same input was extracted differently");
        foreach (var incident in incidents)
        {
            ShouldCover(text.Text, incident.Evidence);
            foreach (var place in incident.Places)
            {
                ShouldCover(text.Text, place.Span);
            }
            incident.DateStart.ShouldBeLessThanOrEqualTo(incident.DateEnd);
            (incident.Fatalities ?? 0).ShouldBeGreaterThanOrEqualTo(0);
            (incident.Arrests ?? 0).ShouldBeGreaterThanOrEqualTo(0);
        }
    }

    // Offsets are into the text extraction read: a span outside it, or whose text is not what stands there, breaks
    // every highlight and every corroboration downstream.
    private static void ShouldCover(string text, Span span)
    {
        span.Start.ShouldBeInRange(0, text.Length);
        span.Length.ShouldBeInRange(0, text.Length - span.Start);
        text.Substring(span.Start, span.Length).ShouldBe(span.Text);
    }

    public static TheoryData<int> HugeFamilies => new(Enumerable.Range(0, HostileInput.HugeFamilies));

    [Theory]
    [MemberData(nameof(HugeFamilies))]
    public void Time_grows_linearly_with_a_huge_single_token_or_flood(int family)
    {
        output.WriteLine(FuzzBudget.AssertLinear(length => HostileInput.Huge(family, length, seed: 11),
            sample => Extractor.Extract(new ExtractionInput(sample.Text, "ar", new DateOnly(2020, 1, 24)))));
    }

    [Theory]
    [InlineData(0, "ar")]
    [InlineData(3, "en")]
    [InlineData(9, "ar")]
    public void Time_grows_linearly_with_a_report_sentence_repeated(int article, string language)
    {
        output.WriteLine(FuzzBudget.AssertLinear(length => HostileInput.Repeated(article, length),
            sample => Extractor.Extract(new ExtractionInput(sample.Text, language, new DateOnly(2020, 1, 24)))));
    }
}
