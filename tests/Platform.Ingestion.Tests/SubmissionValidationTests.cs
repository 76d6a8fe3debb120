using Platform.Ingestion.Articles;

namespace Platform.Ingestion.Tests;

public class SubmissionValidationTests
{
    private static readonly DateOnly Today = new(2026, 11, 25);
    private static readonly IngestionOptions Options = new() { MaxArticleBytes = 10_000 };

    private static SubmitArticle Text(string text, string? language = null, string? published = null, string? title = null) =>
        new(text, null, title, null, null, language, published);

    [Fact]
    public void Empty_or_blank_article_is_rejected_with_a_reason()
    {
        Should.Throw<ArticleRejectedException>(() => SubmitArticleHandler.Prepare(Text("   "), Options, Today))
            .Message.ShouldContain("empty");
    }

    [Fact]
    public void Text_and_html_together_are_rejected()
    {
        var command = new SubmitArticle("text", "<p>html</p>", null, null, null, null, null);

        Should.Throw<ArticleRejectedException>(() => SubmitArticleHandler.Prepare(command, Options, Today))
            .Message.ShouldContain("not both");
    }

    [Fact]
    public void Article_over_the_size_limit_is_rejected_naming_the_limit_and_setting()
    {
        var exception = Should.Throw<ArticleRejectedException>(() =>
            SubmitArticleHandler.Prepare(Text(new string('ا', 6_000)), Options, Today));

        exception.Message.ShouldContain("12,000 bytes");
        exception.Message.ShouldContain("Ingestion:MaxArticleBytes");
    }

    [Fact]
    public void Text_decoded_with_the_wrong_encoding_is_rejected()
    {
        Should.Throw<ArticleRejectedException>(() => SubmitArticleHandler.Prepare(Text("\uFFFD\uFFFD\uFFFD\uFFFD text"), Options, Today))
            .Message.ShouldContain("encoding");
    }

    [Fact]
    public void Replacement_characters_are_counted_in_the_stored_text_so_it_is_accepted_when_sent_again()
    {
        // Found by the property tests: "&#0;" passed the check as markup and became U+FFFD in the stored text, and
        // furniture removed after the check raised the share; the stored text, sent again, was refused.
        var entities = new SubmitArticle(null, "<p>Shelling on Saraqib &#0; &#0; &#0; today.</p>", null, null, null, null, null);
        var furniture = "Shelling \uFFFD on \uFFFD Saraqib \uFFFD.\n" + string.Concat(Enumerable.Repeat("Share\n", 600));

        Should.Throw<ArticleRejectedException>(() => SubmitArticleHandler.Prepare(entities, Options, Today)).Message.ShouldContain("U+FFFD");
        Should.Throw<ArticleRejectedException>(() => SubmitArticleHandler.Prepare(Text(furniture), Options, Today)).Message.ShouldContain("U+FFFD");
        var stored = SubmitArticleHandler.Prepare(Text("Shelling \uFFFD on Saraqib \uFFFD today."), Options, Today).Text;
        SubmitArticleHandler.Prepare(Text(stored), Options, Today).Text.ShouldBe(stored);
    }

    [Fact]
    public void Html_with_no_readable_text_is_rejected()
    {
        var command = new SubmitArticle(null, "<script>alert(1)</script><nav>Home</nav>", null, null, null, null, null);

        Should.Throw<ArticleRejectedException>(() => SubmitArticleHandler.Prepare(command, Options, Today))
            .Message.ShouldContain("no readable text");
    }

    [Fact]
    public void Unsupported_language_and_bad_dates_are_rejected()
    {
        Should.Throw<ArticleRejectedException>(() => SubmitArticleHandler.Prepare(Text("texte", language: "fr"), Options, Today));
        Should.Throw<ArticleRejectedException>(() => SubmitArticleHandler.Prepare(Text("text", published: "24/01/2020"), Options, Today))
            .Message.ShouldContain("YYYY-MM-DD");
        // Day and month order differ between countries: only ISO 8601 is accepted.
        Should.Throw<ArticleRejectedException>(() => SubmitArticleHandler.Prepare(Text("text", published: "01/02/2020"), Options, Today));
        // Relative dates reach back from the publication date: ancient or future dates are refused.
        Should.Throw<ArticleRejectedException>(() => SubmitArticleHandler.Prepare(Text("text", published: "0001-01-05"), Options, Today))
            .Message.ShouldContain("out of range");
        Should.Throw<ArticleRejectedException>(() => SubmitArticleHandler.Prepare(Text("text", published: "2030-01-01"), Options, Today));
        SubmitArticleHandler.Prepare(Text("text", published: "2020-01-24T21:30:00+03:00"), Options, Today).PublishedOn
            .ShouldBe(new DateOnly(2020, 1, 24));
    }

    [Fact]
    public void Language_is_detected_from_the_script_and_date_defaults_to_today()
    {
        var arabic = SubmitArticleHandler.Prepare(Text("اشتباكات في ريف حلب"), Options, Today);
        var english = SubmitArticleHandler.Prepare(Text("Clashes in Aleppo countryside", published: "2020-01-24"), Options, Today);

        arabic.Language.ShouldBe("ar");
        arabic.PublishedOn.ShouldBe(Today);
        english.Language.ShouldBe("en");
        english.PublishedOn.ShouldBe(new DateOnly(2020, 1, 24));
    }

    [Fact]
    public void Title_defaults_to_the_first_line()
    {
        SubmitArticleHandler.Prepare(Text("Headline\nBody of the report."), Options, Today).Title.ShouldBe("Headline");
        SubmitArticleHandler.Prepare(Text("Headline\nBody.", title: "Given"), Options, Today).Title.ShouldBe("Given");
    }

    [Theory]
    [InlineData("\u200B\u200F")]
    [InlineData("Share")]
    [InlineData("Comments (3)")]
    public void A_title_that_normalises_to_nothing_is_no_title_and_the_first_line_stands_in(string title)
    {
        // Found by the property tests: such a title used to be stored as an empty string.
        SubmitArticleHandler.Prepare(Text("Headline\nBody.", title: title), Options, Today).Title.ShouldBe("Headline");
    }

    [Fact]
    public void Control_characters_in_url_or_source_are_rejected_naming_the_field()
    {
        var nulInUrl = new SubmitArticle("Shelling on Saraqib.", null, null, "https://example.org/a\0b", null, null, null);
        var newlineInSource = new SubmitArticle("Shelling on Saraqib.", null, null, null, "Orient\nNet", null, null);

        var url = Should.Throw<ArticleRejectedException>(() => SubmitArticleHandler.Prepare(nulInUrl, Options, Today));
        var source = Should.Throw<ArticleRejectedException>(() => SubmitArticleHandler.Prepare(newlineInSource, Options, Today));

        url.Message.ShouldContain("'url'");
        url.Message.ShouldContain("U+0000");
        source.Message.ShouldContain("'sourceName'");
        source.Message.ShouldContain("U+000A");
    }

    [Fact]
    public void Oversized_title_url_and_source_are_rejected_naming_the_limit()
    {
        var title = new SubmitArticle("Shelling on Saraqib.", null, new string('t', SubmitArticleHandler.MaxTitleLength + 1), null, null, null, null);
        var url = new SubmitArticle("Shelling on Saraqib.", null, null, "https://example.org/" + new string('u', SubmitArticleHandler.MaxUrlLength), null, null, null);
        var source = new SubmitArticle("Shelling on Saraqib.", null, null, null, new string('s', SubmitArticleHandler.MaxSourceNameLength + 1), null, null);
        var atTheLimits = new SubmitArticle("Shelling on Saraqib.", null, new string('t', SubmitArticleHandler.MaxTitleLength),
            "https://example.org/" + new string('u', SubmitArticleHandler.MaxUrlLength - 20), new string('s', SubmitArticleHandler.MaxSourceNameLength), null, null);

        Should.Throw<ArticleRejectedException>(() => SubmitArticleHandler.Prepare(title, Options, Today)).Message.ShouldContain("title");
        Should.Throw<ArticleRejectedException>(() => SubmitArticleHandler.Prepare(url, Options, Today)).Message.ShouldContain("2,048");
        Should.Throw<ArticleRejectedException>(() => SubmitArticleHandler.Prepare(source, Options, Today)).Message.ShouldContain("'sourceName'");
        SubmitArticleHandler.Prepare(atTheLimits, Options, Today).Title.Length.ShouldBe(SubmitArticleHandler.MaxTitleLength);
    }
}
