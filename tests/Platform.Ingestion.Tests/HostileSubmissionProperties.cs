using FsCheck;
using FsCheck.Fluent;
using Platform.Ingestion.Articles;
using Platform.Testing;
using Xunit.Abstractions;

namespace Platform.Ingestion.Tests;

/// <summary>
/// Generated hostile submissions (see <see cref="HostileInput"/>): validation and normalisation answer every one with
/// an article or a reason, the same twice, in bounded time, and the article keeps every promise of the normaliser.
/// </summary>
public sealed class HostileSubmissionProperties(ITestOutputHelper output) : IDisposable
{
    private static readonly DateOnly Today = new(2026, 11, 25);

    // Large enough for every generated input: the size limit has tests of its own.
    private static readonly IngestionOptions Options = new() { MaxArticleBytes = 8 * 1024 * 1024 };

    private readonly InputTimes _times = new();

    public void Dispose()
    {
        if (_times.Count > 0)
        {
            output.WriteLine(_times.ToString());
        }
    }

    /// <summary>What one submission comes to: the article (and its id) or the reason it was refused.</summary>
    private sealed record Outcome(SubmitArticleHandler.PreparedArticle? Article, Guid ArticleId, string? Rejection);

    private static Outcome Submit(SubmitArticle command)
    {
        try
        {
            var article = SubmitArticleHandler.Prepare(command, Options, Today);
            return new Outcome(article, ArticleIdentity.For(article.Text).ArticleId, null);
        }
        catch (ArticleRejectedException rejected)
        {
            return new Outcome(null, Guid.Empty, rejected.Message);
        }
    }

    private static readonly Gen<string?> Blank = Gen.Elements<string?>(null, "", "   ", "\t\n");

    private static Gen<string?> Field(Gen<string?> plausible) => Gen.Frequency(
        (3, Blank), (4, plausible), (2, HostileInput.SmallText.Select(s => (string?)s.Text)),
        (1, Gen.Choose(900, 3_000).Select(n => (string?)new string('x', n))));

    private static readonly Gen<string?> Language = Field(Gen.Elements<string?>(
        "ar", "en", " AR ", "En", "fr", "zz", "arabic", "english", "a\0r", "ar-SY", "en_GB", "\u0627\u0644\u0639\u0631\u0628\u064A\u0629", "e\u200Bn"));

    private static readonly Gen<string?> PublishedOn = Field(Gen.Elements<string?>(
        "2020-01-24", "2020-01-24T21:30:00+03:00", "2026-11-26", "2026-11-27", "2026-11-26T23:59:59-14:00", "2026-11-25T23:59:59.9999999Z",
        "0000-01-01", "0001-01-01", "0001-01-01T00:00:00+14:00", "1899-12-31", "1900-01-01", "1900-01-01T00:30:00+01:00",
        "9999-12-31", "9999-12-31T23:59:59Z", "9999-12-31T23:59:59-14:00", "10000-01-01", "+002020-01-01", "2020-02-30",
        "2020-13-01", "2020-1-5", "24/01/2020", "٢٠٢٠-٠١-٢٤", "2020-01-24T25:00:00Z", "2020-01-24T10:00:00+99:00", "yesterday",
        "2020-01-24\0", "1e10", "-2020-01-01", "2020-01-24T21:30:00.12345678901Z"));

    private static readonly Gen<string?> Url = Field(Gen.Elements<string?>(
        "https://example.org/a", "https://example.org/\u0627", "https://example.org/a\0b", "javascript:alert(1)", "not a url", "https://example.org/a\nb"));

    private static readonly Gen<string?> Source = Field(Gen.Elements<string?>("Orient Net", "SOHR", "Orient\nNet", "\u202EteN tneirO", "Source\u0085"));

    /// <summary>A submission of every shape: text, HTML, both or neither, with hostile or plausible fields around it.</summary>
    private static Gen<SubmitArticle> Submission(Gen<HostileSample> body) =>
        from text in body
        from shape in Gen.Frequency((6, Gen.Constant(0)), (3, Gen.Constant(1)), (1, Gen.Constant(2)), (1, Gen.Constant(3)))
        from other in Blank
        from title in Field(Gen.Elements<string?>("Clashes in Idlib", "اشتباكات في ريف حلب", "\u200B", "Share", "Most read\nSecond line"))
        from url in Url
        from source in Source
        from language in Language
        from published in PublishedOn
        select shape switch
        {
            0 => new SubmitArticle(text.Text, other, title, url, source, language, published),
            1 => new SubmitArticle(other, text.Text, title, url, source, language, published),
            2 => new SubmitArticle(text.Text, text.Text, title, url, source, language, published),
            _ => new SubmitArticle(other, other, title, url, source, language, published),
        };

    private static Arbitrary<HostileSubmission> Submissions(Gen<HostileSample> body) =>
        Submission(body).Select(command => new HostileSubmission(command)).ToArbitrary();

    /// <summary>A command printed short: a failing one of a megabyte stays one line.</summary>
    public sealed record HostileSubmission(SubmitArticle Command)
    {
        public override string ToString() =>
            $"text: {Show(Command.Text)}; html: {Show(Command.Html)}; title: {Show(Command.Title)}; url: {Show(Command.Url)}; "
            + $"source: {Show(Command.SourceName)}; language: {Show(Command.Language)}; published: {Show(Command.PublishedOn)}";

        private static string Show(string? value) => HostileSample.Describe(value);
    }

    [FuzzProperty(30_000)]
    public Property Every_submission_is_an_article_or_a_reason_the_same_twice_and_resubmitting_its_text_changes_nothing() =>
        Prop.ForAll(Submissions(HostileInput.Small), submission => CheckSubmission(submission, _times));

    [FuzzProperty(60)]
    public Property Big_submissions_are_answered_in_bounded_time_with_the_same_promises() =>
        Prop.ForAll(Submissions(HostileInput.Big), submission => CheckSubmission(submission, _times));

    private static void CheckSubmission(HostileSubmission submission, InputTimes times)
    {
        var command = submission.Command;
        var body = new HostileSample("submission", (command.Text ?? "") + (command.Html ?? ""));
        var outcome = FuzzBudget.Timed(body, () => Submit(command), times);

        Submit(command).ShouldBe(outcome, "the same submission was answered differently");
        if (outcome.Article is not { } article)
        {
            outcome.Rejection.ShouldNotBeNullOrWhiteSpace();
            return;
        }
        NormalizedTextProblems(article.Text).ShouldBeEmpty();
        article.Text.ShouldNotBeEmpty();
        ArticleNormalizer.Normalize(article.Text).ShouldBe(article.Text, "normalising the stored text changed it");
        article.Title.ShouldNotBeEmpty("an article always has a title: the given one or its first line");
        article.Title.Length.ShouldBeLessThanOrEqualTo(SubmitArticleHandler.MaxTitleLength);
        article.Language.ShouldBeOneOf(LanguageDetector.Arabic, LanguageDetector.English);
        article.PublishedOn.ShouldBeInRange(new DateOnly(SubmitArticleHandler.MinimumPublicationYear, 1, 1), Today.AddDays(1));

        // The stored text, sent again as it is, is the same article: ids are stable across resubmissions.
        var again = Submit(new SubmitArticle(article.Text, null, null, null, null, article.Language,
            article.PublishedOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
        again.Article.ShouldNotBeNull(again.Rejection);
        again.Article.Text.ShouldBe(article.Text);
        again.ArticleId.ShouldBe(outcome.ArticleId);
    }

    [FuzzProperty(45_000)]
    public Property Normalised_text_keeps_every_promise_and_normalising_it_again_changes_nothing() =>
        Prop.ForAll(HostileInput.Small.ToArbitrary(), sample =>
        {
            var once = FuzzBudget.Timed(sample, () => ArticleNormalizer.Normalize(sample.Text), _times);

            NormalizedTextProblems(once).ShouldBeEmpty();
            ArticleNormalizer.Normalize(once).ShouldBe(once);
            ArticleNormalizer.Normalize(sample.Text).ShouldBe(once);
        });

    // Single lines of page furniture the normaliser drops wherever they stand.
    private static readonly string[] FurnitureLines = ["Comments (12)", "التعليقات (0)", "Share", "tweet", "طباعة", "0", "١٢", "Responses [3]", "  print  "];

    [FuzzProperty(10_000)]
    public Property A_furniture_line_between_two_lines_changes_nothing() =>
        Prop.ForAll(HostileInput.SmallText.ToArbitrary(), HostileInput.SmallText.ToArbitrary(), Gen.Elements(FurnitureLines).ToArbitrary(),
            (before, after, furniture) =>
            {
                var plain = ArticleNormalizer.Normalize($"{before.Text}\n{after.Text}");
                var withFurniture = new HostileSample($"{before.Family} + {after.Family}", $"{before.Text}\n{furniture}\n{after.Text}");
                FuzzBudget.Timed(withFurniture, () => ArticleNormalizer.Normalize(withFurniture.Text), _times).ShouldBe(plain);
            });

    /// <summary>
    /// What normalised text promises never to hold (ArticleNormalizer: line endings, exotic spaces, bidi and zero-width
    /// marks and control characters folded; lines trimmed, runs of spaces and of blank lines collapsed, a line never
    /// repeated right after itself): each broken promise, with where.
    /// </summary>
    public static List<string> NormalizedTextProblems(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var problems = new List<string>();
        for (var i = 0; i < text.Length && problems.Count < 5; i++)
        {
            var c = text[i];
            var folded = c is '\r' or '\t' or '\u00A0' or '\u1680' or (>= '\u2000' and <= '\u200B') or '\u200E' or '\u200F' or '\u2028'
                or '\u2029' or (>= '\u202A' and <= '\u202F') or '\u205F' or (>= '\u2066' and <= '\u2069') or '\u3000' or '\u061C'
                or '\uFEFF' or '\u00AD' || char.IsControl(c) && c != '\n';
            if (folded)
            {
                problems.Add($"U+{(int)c:X4} at {i}");
            }
        }
        if (text != text.Trim())
        {
            problems.Add("leading or trailing white space");
        }
        if (text.Contains("  ", StringComparison.Ordinal) || text.Contains("\n\n\n", StringComparison.Ordinal))
        {
            problems.Add("a run of spaces or of blank lines");
        }
        string? previous = null;
        foreach (var line in text.Split('\n'))
        {
            if (line != line.Trim())
            {
                problems.Add($"untrimmed line \"{line}\"");
            }
            if (line.Length > 0)
            {
                if (line == previous)
                {
                    problems.Add($"line repeated right after itself: \"{line}\"");
                }
                previous = line;
            }
        }
        return problems;
    }
}

/// <summary>Ten times the input takes about ten times as long to validate and normalise, never a hundred.</summary>
public sealed class SubmissionScalingTests(ITestOutputHelper output)
{
    private static readonly IngestionOptions Options = new() { MaxArticleBytes = 8 * 1024 * 1024 };

    private static void Prepare(SubmitArticle command)
    {
        try
        {
            SubmitArticleHandler.Prepare(command, Options, new DateOnly(2026, 11, 25));
        }
        catch (ArticleRejectedException)
        {
            // A refusal is an answer too; only its time counts here.
        }
    }

    public static TheoryData<int> HugeFamilies => new(Enumerable.Range(0, HostileInput.HugeFamilies));

    [Theory]
    [MemberData(nameof(HugeFamilies))]
    public void Huge_single_tokens_and_floods_as_text_and_as_html(int family)
    {
        output.WriteLine(FuzzBudget.AssertLinear(length => HostileInput.Huge(family, length, seed: 7),
            sample => Prepare(new SubmitArticle(sample.Text, null, null, null, null, null, null))));
        output.WriteLine(FuzzBudget.AssertLinear(length => HostileInput.Huge(family, length, seed: 7),
            sample => Prepare(new SubmitArticle(null, sample.Text, null, null, null, null, null))));
    }

    [Fact]
    public void A_realistic_sentence_repeated()
    {
        output.WriteLine(FuzzBudget.AssertLinear(length => HostileInput.Repeated(0, length),
            sample => Prepare(new SubmitArticle(sample.Text, null, null, null, null, null, null))));
    }

    /// <summary>Markup shapes the HTML5 parser nests deeper with every repetition (each took minutes at 1 MB).</summary>
    public static TheoryData<string> DeepeningShapes => new(MarkupDepthTests.Deepening);

    [Theory]
    [MemberData(nameof(DeepeningShapes))]
    public void Html_shapes_that_nest_deeper_with_every_repetition(string shape)
    {
        output.WriteLine(FuzzBudget.AssertLinear(length => Repeat(shape, length),
            sample => Prepare(new SubmitArticle(null, sample.Text, null, null, null, null, null))));
    }

    [Theory]
    [InlineData("div")]
    [InlineData("b")]
    [InlineData("ul")]
    public void Html_nested_just_under_the_limit_again_and_again(string tag)
    {
        var nest = HostileInput.Nest([tag], MarkupDepth.Limit - 10, "Shelling on Saraqib.", closing: 0);
        output.WriteLine(FuzzBudget.AssertLinear(length => Repeat(nest, length),
            sample => SubmitArticleHandler.Prepare(new SubmitArticle(null, sample.Text, null, null, null, null, null), Options, new DateOnly(2026, 11, 25))));
    }

    private static HostileSample Repeat(string unit, int length)
    {
        var builder = new System.Text.StringBuilder(length + unit.Length + 8);
        for (var n = 0; builder.Length < length; n++)
        {
            builder.Append(unit).Append('t').Append(n).Append(' ');
        }
        return new HostileSample($"html \"{unit}\" repeated", builder.ToString());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Html_nested_tens_of_thousands_deep(int closing)
    {
        string[] tags = ["div", "b", "p", "span"];
        output.WriteLine(FuzzBudget.AssertLinear(
            length => new HostileSample($"nested-markup (closing {closing})", HostileInput.Nest(tags, length / 9, "Shelling on Saraqib.", closing)),
            sample => Prepare(new SubmitArticle(null, sample.Text, null, null, null, null, null))));
    }
}

public class MarkupDepthTests
{
    /// <summary>Shapes whose repetition the HTML5 parser nests ever deeper, by every rule of its tree builder.</summary>
    public static readonly string[] Deepening =
    [
        "<div>", "<b>", "<font>", "<ul><li>", "<dl><dt>", "<template>", "<i><b><u><s>x</i>", "<p><b>x</p>", "<div><p>",
        // The end tag the parser ignores (behind a table) or answers by reopening (the adoption agency).
        "<b><div></b>", "<div><table></div>", "<div><div><table></div></div>", "<b id=1><b id=2><div></b></b>",
        // Formatting closed with its paragraph is reopened at the next text.
        "<p><font class=\"x\">a</p>b", "<rt>", "<svg><g>", "<div/>",
    ];

    [Theory]
    [MemberData(nameof(DeepeningShapes))]
    public void Markup_that_the_parser_nests_ever_deeper_is_refused_with_the_limit(string shape)
    {
        var html = string.Concat(Enumerable.Repeat(shape + "text ", 2_000));

        MarkupDepth.Estimate(html).ShouldBeGreaterThan(MarkupDepth.Limit);
        Should.Throw<ArticleRejectedException>(() => SubmitArticleHandler.Prepare(
                new SubmitArticle(null, html, null, null, null, null, null), new IngestionOptions(), new DateOnly(2026, 11, 25)))
            .Message.ShouldContain("512 deep");
    }

    public static TheoryData<string> DeepeningShapes => new(Deepening);

    [Theory]
    [InlineData("<p>paragraph")]
    [InlineData("<li>item")]
    [InlineData("<div>text</div>")]
    [InlineData("<b>bold</b> <i>it</i>")]
    [InlineData("<p>one <b>bold</b></p><br><img src=x><hr>")]
    [InlineData("<table><tr><td>a<td>b<tr><td>c</table>")]
    [InlineData("<!-- <div><div> --><script>'<div>'</script><style>div{}</style>")]
    [InlineData("<a title=\"<div>\" href='x>y'>link</a>")]
    [InlineData("<dl><dt>term<dd>definition</dl>")]
    public void Repeated_ordinary_markup_stays_shallow(string shape)
    {
        var html = "<html><body><article>" + string.Concat(Enumerable.Repeat(shape, 2_000)) + "</article></body></html>";

        MarkupDepth.Estimate(html).ShouldBeLessThan(10);
    }
}
