using Platform.Ingestion.Articles;
using Platform.Testing;

namespace Platform.Ingestion.Tests;

public class ArticleNormalizerTests
{
    [Fact]
    public void Seed_article_loses_its_page_furniture_and_keeps_its_last_paragraph()
    {
        var raw = File.ReadAllText(Path.Combine(RepositoryPaths.Shared, "seed", "000_f57b002656cb3335.txt"));

        var text = ArticleNormalizer.Normalize(raw);

        text.ShouldNotContain("التعليقات");
        text.ShouldNotContain("الأكثر قراءة");
        text.ShouldNotContain("أهم المواضيع");
        text.ShouldNotContain("أهم التصنيفات");
        text.ShouldEndWith("في آذار 2018.");
        text.ShouldContain("بلدة الباغوز شرق دير الزور");
    }

    [Fact]
    public void A_headline_printed_twice_is_kept_once()
    {
        var text = ArticleNormalizer.Normalize("عنوان الخبر\n\nعنوان الخبر\nنص الخبر هنا.");

        text.ShouldBe("عنوان الخبر\n\nنص الخبر هنا.");
    }

    [Fact]
    public void No_break_spaces_bidi_marks_and_zero_width_characters_are_folded()
    {
        var text = ArticleNormalizer.Normalize("قرية\u00A0عين\u200Fديوار\u202B \u200Bقرب\u2009القامشلي\uFEFF");

        text.ShouldBe("قرية عينديوار قرب القامشلي");
    }

    [Fact]
    public void Line_endings_and_runs_of_spaces_are_normalised()
    {
        var text = ArticleNormalizer.Normalize("  First   line\r\nSecond\tline\r\r\n\n\nThird line  ");

        text.ShouldBe("First line\nSecond line\n\nThird line");
    }

    [Theory]
    [InlineData("Comments (12)")]
    [InlineData("التعليقات (0)")]
    [InlineData("Share")]
    [InlineData("0")]
    public void Furniture_lines_inside_the_text_are_removed(string furniture)
    {
        var text = ArticleNormalizer.Normalize($"Clashes erupted near the town.\n{furniture}\nTwo fighters were killed.");

        text.ShouldBe("Clashes erupted near the town.\nTwo fighters were killed.");
    }

    [Fact]
    public void Everything_after_a_most_read_block_is_dropped_but_a_report_is_never_emptied()
    {
        ArticleNormalizer.Normalize("Report body.\n\nMost read\nAnother story\nYet another").ShouldBe("Report body.");
        // A heading at the very top is not a furniture block: nothing of the report came before it.
        ArticleNormalizer.Normalize("Most read\nReport body.").ShouldBe("Most read\nReport body.");
    }

    [Fact]
    public void Arabic_diacritics_and_digits_are_left_as_written()
    {
        ArticleNormalizer.Normalize("حلّقت الطائرات ٣ مرات").ShouldBe("حلّقت الطائرات ٣ مرات");
    }

    [Fact]
    public void Normalising_is_idempotent()
    {
        var raw = File.ReadAllText(Path.Combine(RepositoryPaths.Shared, "seed", "000_f57b002656cb3335.txt"));
        var once = ArticleNormalizer.Normalize(raw);

        ArticleNormalizer.Normalize(once).ShouldBe(once);
    }
}

public class HtmlTextTests
{
    [Fact]
    public void Html_page_becomes_its_article_text_without_scripts_menus_and_widgets()
    {
        const string html = """
            <html><head><title>t</title><script>var x = "not text";</script><style>p{}</style></head>
            <body>
              <nav><a href="/">Home</a> <a href="/world">World</a></nav>
              <h1>Clashes near Jarjanaz</h1>
              <article>
                <p>Opposition fighters attacked government positions&nbsp;near the village of Jarjanaz.</p>
                <div class="share-buttons">Share on Facebook</div>
                <p>Four soldiers were killed, a war monitor said.</p>
              </article>
              <aside class="most-read"><h3>Most read</h3><p>Other story</p></aside>
              <footer>© News site</footer>
            </body></html>
            """;

        var text = ArticleNormalizer.Normalize(HtmlText.ToText(html));

        text.ShouldBe("Clashes near Jarjanaz\n\nOpposition fighters attacked government positions near the village of Jarjanaz.\n\nFour soldiers were killed, a war monitor said.");
    }
}

public class ArticleIdentityTests
{
    [Fact]
    public void The_same_text_always_gets_the_same_id()
    {
        var (first, firstHash) = ArticleIdentity.For("نص الخبر");
        var (second, secondHash) = ArticleIdentity.For("نص الخبر");

        second.ShouldBe(first);
        secondHash.ShouldBe(firstHash);
        firstHash.Length.ShouldBe(64);
    }

    [Fact]
    public void The_id_is_fixed_across_releases()
    {
        // Independently computed: first 16 bytes of SHA-256("Platform") with version 8 and variant bits set.
        // A change here would split every stored article from its resubmissions: ids are persisted.
        ArticleIdentity.For("Platform").ArticleId.ShouldBe(Guid.Parse("c78ffe19-5710-88fb-893a-78873969046f"));
    }

    [Fact]
    public void Different_texts_get_different_ids_and_the_id_is_a_version_8_uuid()
    {
        var (a, _) = ArticleIdentity.For("one report");
        var (b, _) = ArticleIdentity.For("another report");

        a.ShouldNotBe(b);
        a.Version.ShouldBe(8);
    }

    [Fact]
    public void Submissions_that_differ_only_in_furniture_and_spacing_are_one_article()
    {
        var plain = ArticleNormalizer.Normalize("Clashes erupted near Jarjanaz.\nFour soldiers were killed.");
        var noisy = ArticleNormalizer.Normalize("Clashes\u00A0erupted near  Jarjanaz.\r\nComments (3)\r\nFour soldiers were killed.\r\n\r\nMost read\r\nOther");

        ArticleIdentity.For(noisy).ArticleId.ShouldBe(ArticleIdentity.For(plain).ArticleId);
    }
}
