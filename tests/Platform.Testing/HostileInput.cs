using System.Globalization;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;

namespace Platform.Testing;

/// <summary>
/// One generated input: the family it comes from and its text. Printed short, so a failing input of a megabyte stays a
/// readable line in the test output (FsCheck prints the seed that reproduces it in full).
/// </summary>
public sealed record HostileSample(string Family, string Text)
{
    public override string ToString() => $"{Family}, {Describe(Text)}";

    /// <summary>The length and the first 160 characters of <paramref name="text"/>, invisible ones escaped.</summary>
    public static string Describe(string? text)
    {
        if (text is null)
        {
            return "null";
        }
        var shown = new StringBuilder();
        foreach (var c in text.Length <= 160 ? text : text[..160])
        {
            shown.Append(c is < ' ' or (>= '\u007F' and <= '\u009F') or (>= '\u2000' and <= '\u206F') or (>= '\uD800' and <= '\uDFFF') or '\uFEFF' or '\u061C'
                ? $"\\u{(int)c:X4}"
                : c.ToString());
        }
        return $"{text.Length:N0} chars \"{shown}\"{(text.Length > 160 ? "..." : "")}";
    }
}

/// <summary>
/// Generators of hostile text for property tests: random Unicode across planes (lone surrogates included), bidi and
/// zero-width controls, NUL and C0/C1 controls, Arabic diacritics, tatweel and presentation forms, HTML soup and deep
/// nesting, digit floods, mixed scripts, mutations of real articles, and (few, big) huge single tokens and floods.
/// </summary>
public static class HostileInput
{
    // Words of conflict news in both languages, written for these tests: enough for triggers, places, actors, dates and
    // counts to fire inside the noise.
    private static readonly string[] ArabicWords =
    [
        "قتل", "قتلى", "مقتل", "جرح", "اشتباكات", "غارة", "غارات", "جوية", "قصف", "مدفعي", "انفجار", "عبوة", "ناسفة", "سيارة",
        "مفخخة", "مظاهرة", "احتجاج", "اعتقال", "في", "قرب", "ريف", "شمال", "جنوب", "شرق", "غرب", "مدينة", "بلدة", "قرية", "حلب",
        "إدلب", "دير الزور", "الرقة", "الحسكة", "القامشلي", "درعا", "حمص", "حماة", "دمشق", "بغداد", "الموصل", "بيروت", "الباغوز",
        "عين ديوار", "تنظيم", "داعش", "قوات", "النظام", "الجيش", "التركي", "قسد", "التحالف", "الدولي", "أمس", "اليوم", "يوم",
        "الجمعة", "الماضي", "الأسبوع", "شخصا", "مدنيين", "عناصر", "ثلاثة", "خمسة", "عشرة", "المرصد", "السوري", "لحقوق",
        "الإنسان", "أفاد", "مصدر", "محلي", "و", "من", "على", "إلى", "بعد", "خلال", "كانون الثاني", "آذار", "2019", "٢٠٢٠",
        "التعليقات", "الأكثر قراءة", "اقرأ أيضاً", "مشاركة",
    ];

    private static readonly string[] EnglishWords =
    [
        "killed", "wounded", "clashes", "air", "strike", "strikes", "shelling", "artillery", "explosion", "bomb", "car",
        "protest", "demonstrators", "arrested", "in", "near", "the", "countryside", "of", "north", "south", "east", "west",
        "city", "town", "village", "Aleppo", "Idlib", "Deir ez-Zor", "Raqqa", "Hasakah", "Qamishli", "Daraa", "Homs", "Hama",
        "Damascus", "Baghdad", "Mosul", "Beirut", "Jarjanaz", "Manbij", "Islamic State", "ISIS", "regime", "forces", "army",
        "Turkish", "SDF", "coalition", "yesterday", "today", "on", "Friday", "last", "week", "people", "civilians",
        "fighters", "three", "five", "ten", "Syrian Observatory for Human Rights", "said", "reported", "at least", "split",
        "between", "coded to", "fatalities", "Total", "January", "March", "2019", "2020", "Comments (12)", "Most read",
        "Share", "Read more",
    ];

    private static readonly string[] Punctuation = [" ", " ", " ", ", ", "، ", ". ", ".\n", "\n\n", "؟ ", "? ", "! ", ": ", "\t", "\r\n", " - ", "\"", "(", ")"];

    /// <summary>Bidi embeddings, overrides, isolates and marks.</summary>
    public static readonly IReadOnlyList<char> BidiControls =
        ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C'];

    /// <summary>Zero-width and otherwise invisible characters.</summary>
    public static readonly IReadOnlyList<char> Invisible = ['\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00AD', '\u180E', '\u034F'];

    /// <summary>Spaces and line breaks other than the plain ones.</summary>
    public static readonly IReadOnlyList<char> ExoticSpaces =
        ['\u00A0', '\u1680', '\u2000', '\u2003', '\u2007', '\u2009', '\u200A', '\u202F', '\u205F', '\u3000', '\u2028', '\u2029', '\u0085', '\u000B', '\u000C', '\r'];

    private static Gen<string> OneOf(IReadOnlyList<char> characters) => Gen.Elements(characters.ToArray()).Select(c => c.ToString());

    private static Gen<string> InRange(int first, int last) => Gen.Choose(first, last).Select(c => ((char)c).ToString());

    /// <summary>One code point from anywhere: mostly the BMP, some astral, and lone surrogates of either half.</summary>
    public static Gen<string> AnyCodePoint { get; } = Gen.Frequency(
        (6, InRange(0x0000, 0xD7FF)),
        (2, InRange(0xE000, 0xFFFF)),
        (2, Gen.Choose(0x10000, 0x10FFFF).Select(c => char.ConvertFromUtf32(c))),
        (1, InRange(0xD800, 0xDFFF)));

    /// <summary>NUL, C0 and C1 controls and DEL.</summary>
    public static Gen<string> Control { get; } = Gen.OneOf(InRange(0x00, 0x1F), InRange(0x7F, 0x9F));

    /// <summary>Arabic harakat, Quranic marks, superscript alef, tatweel and presentation forms.</summary>
    public static Gen<string> ArabicMarks { get; } = Gen.OneOf(
        InRange(0x064B, 0x065F), InRange(0x0610, 0x061A), InRange(0x06D6, 0x06ED), Gen.Constant("\u0670"),
        Gen.Choose(1, 40).Select(n => new string('\u0640', n)), InRange(0xFB50, 0xFDFF), InRange(0xFE70, 0xFEFC));

    /// <summary>Digits of many scripts (Western, Arabic-Indic, Persian, Devanagari, fullwidth, mathematical) and separators.</summary>
    public static Gen<string> Digit { get; } = Gen.Frequency(
        (4, InRange('0', '9')), (3, InRange(0x0660, 0x0669)), (1, InRange(0x06F0, 0x06F9)), (1, InRange(0x0966, 0x096F)),
        (1, InRange(0xFF10, 0xFF19)), (1, Gen.Choose(0x1D7CE, 0x1D7FF).Select(c => char.ConvertFromUtf32(c))),
        (2, Gen.Elements(".", ",", "\u066B", "\u066C", "-", "+", "e", "%", "٪")));

    public static Gen<string> Word { get; } = Gen.OneOf(Gen.Elements(ArabicWords), Gen.Elements(EnglishWords));

    /// <summary>A number as a writer or a broken feed may put it: short, huge, separated, in any digits.</summary>
    public static Gen<string> Number { get; } = Gen.OneOf(
        Gen.Choose(0, 2100).Select(n => n.ToString(CultureInfo.InvariantCulture)),
        Gen.Choose(0, 2100).Select(ArabicIndic),
        Gen.Choose(1, 60).SelectMany(n => Gen.ArrayOf(Digit, n)).Select(string.Concat),
        Gen.Elements("2147483647", "2147483648", "-2147483649", "99999999999999999999999", "1,000,000,000,000", "1.5e308",
            "٢١٤٧٤٨٣٦٤٨", "0000000000012", "1,2,3,4,5", "3.14.15.92", "١٬٠٠٠٬٠٠٠", "12٫5"));

    private static string ArabicIndic(int n) => string.Concat(n.ToString(CultureInfo.InvariantCulture).Select(d => (char)('\u0660' + (d - '0'))));

    /// <summary>A run of words with punctuation: the raw material of a report.</summary>
    public static Gen<string> Prose(int maxWords) =>
        Gen.Choose(1, maxWords).SelectMany(n => Gen.ArrayOf(
            Gen.Frequency((8, Word), (2, Number), (4, Gen.Elements(Punctuation))).Select(w => w + " "), n)).Select(string.Concat);

    // One chunk of noise of the named kind.
    private static readonly Gen<string> NoiseChunk = Gen.Frequency(
        (4, Word.Select(w => w + " ")), (2, AnyCodePoint), (2, OneOf(BidiControls)), (1, OneOf(Invisible)), (1, Control),
        (1, OneOf(ExoticSpaces)), (2, ArabicMarks), (1, Number), (1, Gen.Elements(Punctuation)));

    private static Gen<string> Chunks(Gen<string> chunk, int most) =>
        Gen.Sized(size => Gen.Choose(1, Math.Max(2, Math.Min(most, size * most / 50))).SelectMany(n => Gen.ArrayOf(chunk, n))).Select(string.Concat);

    private static Gen<HostileSample> Family(string family, Gen<string> text) => text.Select(t => new HostileSample(family, t));

    /// <summary>Code points from anywhere, surrogate halves alone included.</summary>
    public static Gen<HostileSample> RandomUnicode { get; } = Family("random-unicode", Chunks(AnyCodePoint, 400));

    /// <summary>Words wrapped in and broken by bidi controls, zero-width characters, NUL and other controls.</summary>
    public static Gen<HostileSample> Invisibles { get; } = Family("bidi-and-controls", Chunks(Gen.Frequency(
        (3, Word.Select(w => w + " ")), (3, OneOf(BidiControls)), (2, OneOf(Invisible)), (2, Control), (2, OneOf(ExoticSpaces))), 200));

    /// <summary>Arabic words under diacritics, tatweel and presentation forms.</summary>
    public static Gen<HostileSample> ArabicForms { get; } = Family("arabic-forms", Chunks(Gen.Frequency(
        (3, Gen.Elements(ArabicWords).SelectMany(w => Gen.ArrayOf(ArabicMarks, w.Length).Select(marks => Interleave(w, marks) + " "))),
        (1, ArabicMarks)), 80));

    private static string Interleave(string word, string[] marks)
    {
        var builder = new StringBuilder(word.Length * 3);
        for (var i = 0; i < word.Length; i++)
        {
            builder.Append(word[i]);
            if ((i + marks[i].Length) % 2 == 0)
            {
                builder.Append(marks[i]);
            }
        }
        return builder.ToString();
    }

    /// <summary>Numbers everywhere, next to the words that make them counts, years and days.</summary>
    public static Gen<HostileSample> DigitFlood { get; } = Family("digit-flood", Chunks(Gen.Frequency(
        (4, Number.Select(n => n + " ")), (3, Word.Select(w => w + " ")), (1, Gen.Elements(Punctuation)), (2, Digit)), 150));

    /// <summary>Arabic and Latin in one sentence, in one word, and under direction overrides.</summary>
    public static Gen<HostileSample> MixedScripts { get; } = Family("mixed-scripts", Chunks(Gen.OneOf(
        Gen.Elements(ArabicWords).Zip(Gen.Elements(EnglishWords), (a, e) => a + e + " "),
        Gen.Elements(EnglishWords).Zip(Gen.Elements(ArabicWords), (e, a) => $"{e} \u202E{a}\u202C "),
        Word.Select(w => w + " "), Gen.Elements(Punctuation)), 120));

    /// <summary>Reports with noise, of every kind above, sprinkled through.</summary>
    public static Gen<HostileSample> NoisyProse { get; } = Family("noisy-prose", Chunks(NoiseChunk, 300));

    private static readonly string[] TagNames =
    [
        "p", "div", "article", "main", "h1", "h2", "span", "b", "i", "a", "table", "tr", "td", "li", "ul", "br", "hr", "script",
        "style", "nav", "aside", "footer", "header", "svg", "math", "template", "iframe", "noscript", "select", "option",
        "textarea", "title", "plaintext", "xmp", "frameset", "body", "html", "head", "form", "figure", "time", "font", "x-custom",
        "ARTICLE", "Div", "\u0645\u0642\u0627\u0644",
    ];

    private static readonly string[] Attributes =
    [
        "", " class=\"share-bar\"", " id=\"most-read\"", " hidden", " aria-hidden=\"true\"", " class='comments'", " style=\"x\"",
        " onclick=\"a('\"", " class=\"\u202Ewidget\"", " id=", " class", " data-x=\"<p>\"", " dir=\"rtl\"", " lang=\"ar\"",
    ];

    private static readonly string[] MarkupDebris =
    [
        "&amp;", "&nbsp;", "&#x202E;", "&#0;", "&#xD800;", "&#xDFFF;", "&#1114112;", "&#99999999999;", "&lt;", "&gt;",
        "&notanentity;", "&", "&#", "&#x;", "&#x10FFFF;", "&#65533;", "<!-- comment -->", "<!--", "-->", "<![CDATA[ x ]]>",
        "<!DOCTYPE html>", "<?xml version=\"1.0\"?>", "</", "<", ">", "\"", "'", "</script>", "</p>", "</div>", "<br/>", "<p/>",
        "</article>", "<body>", "</html>",
    ];

    private static Gen<string> HtmlPiece => Gen.Frequency(
        (3, Gen.Elements(TagNames).Zip(Gen.Elements(Attributes), (tag, attribute) => $"<{tag}{attribute}>")),
        (2, Gen.Elements(TagNames).Select(tag => $"</{tag}>")),
        (2, Gen.Elements(MarkupDebris)),
        (4, Word.Select(w => w + " ")),
        (1, NoiseChunk));

    /// <summary>Tags of every kind, open or closed or neither, attributes of furniture, entities valid and not, comments.</summary>
    public static Gen<HostileSample> HtmlSoup { get; } = Family("html-soup", Chunks(HtmlPiece, 250));

    /// <summary>Markup nested a few hundred deep, closed in order, out of order, or not at all.</summary>
    public static Gen<HostileSample> NestedMarkup { get; } = Family("nested-markup",
        from depth in Gen.Choose(1, 600)
        from tags in Gen.ArrayOf(Gen.Elements(TagNames), 4)
        from closing in Gen.Choose(0, 2)
        from words in Prose(20)
        select Nest(tags, depth, words, closing));

    /// <summary>Markup <paramref name="depth"/> deep around <paramref name="inner"/>: closed in order (0), out of order (1), or never (2).</summary>
    public static string Nest(IReadOnlyList<string> tags, int depth, string inner, int closing)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < depth; i++)
        {
            builder.Append('<').Append(tags[i % tags.Count]).Append('>').Append(i % 7 == 0 ? inner[..Math.Min(inner.Length, 12)] : "");
        }
        builder.Append(inner);
        for (var i = 0; closing < 2 && i < depth; i++)
        {
            builder.Append("</").Append(tags[(closing == 0 ? depth - 1 - i : i) % tags.Count]).Append('>');
        }
        return builder.ToString();
    }

    /// <summary>The texts of the shared seed and gold articles, read once.</summary>
    public static IReadOnlyList<string> RealArticles => LazyRealArticles.Value;

    private static readonly Lazy<IReadOnlyList<string>> LazyRealArticles = new(() =>
    {
        var texts = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Shared, "gold"), "*.jsonl"))
        {
            foreach (var line in File.ReadLines(file))
            {
                using var document = JsonDocument.Parse(line);
                if (document.RootElement.TryGetProperty("text", out var text) && text.GetString() is { Length: > 0 } value)
                {
                    texts.Add(value);
                }
            }
        }
        texts.AddRange(Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Shared, "seed"), "*.txt").Select(File.ReadAllText));
        return texts.Count > 0 ? texts : throw new InvalidOperationException($"No articles under {RepositoryPaths.Shared}.");
    });

    /// <summary>A real article cut, spliced, duplicated and sprinkled with noise and markup.</summary>
    public static Gen<HostileSample> MutatedArticle { get; } = Family("mutated-article",
        from article in Gen.Elements(RealArticles.ToArray())
        from count in Gen.Choose(1, 8)
        from mutations in Gen.ArrayOf(Mutation, count)
        select mutations.Aggregate(article, (text, mutate) => mutate(text)));

    private static Gen<Func<string, string>> Mutation => Gen.OneOf(
        from at in Gen.Choose(0, 1_000_000) from chunk in Gen.OneOf(NoiseChunk, HtmlPiece, Number)
        select (Func<string, string>)(text => text.Insert(at % (text.Length + 1), chunk)),
        from at in Gen.Choose(0, 1_000_000) from length in Gen.Choose(1, 400)
        select (Func<string, string>)(text => Cut(text, at, length, keep: false)),
        from at in Gen.Choose(0, 1_000_000) from length in Gen.Choose(1, 400)
        select (Func<string, string>)(text => Cut(text, at, length, keep: true)),
        from at in Gen.Choose(0, 1_000_000)
        select (Func<string, string>)(text => text[..(at % (text.Length + 1))]),
        from bidi in Gen.Elements(BidiControls.ToArray())
        select (Func<string, string>)(text => text.Replace(" ", $" {bidi}", StringComparison.Ordinal)),
        Gen.Constant<Func<string, string>>(text => text.Replace("\n", "\r", StringComparison.Ordinal)),
        Gen.Constant<Func<string, string>>(text => string.Concat(text.Select(c => c is >= '0' and <= '9' ? (char)('\u0660' + (c - '0')) : c))));

    // Removes, or repeats in place, text.Substring(at, length) (positions taken modulo the text).
    private static string Cut(string text, int at, int length, bool keep)
    {
        if (text.Length == 0)
        {
            return text;
        }
        var start = at % text.Length;
        var take = Math.Min(length, text.Length - start);
        return keep ? text.Insert(start, text.Substring(start, take)) : text.Remove(start, take);
    }

    /// <summary>Every small family, equally often.</summary>
    public static Gen<HostileSample> Small { get; } = Gen.OneOf(
        RandomUnicode, Invisibles, ArabicForms, DigitFlood, MixedScripts, NoisyProse, HtmlSoup, NestedMarkup, MutatedArticle);

    /// <summary>Text-only families (no markup), for fields that are not HTML.</summary>
    public static Gen<HostileSample> SmallText { get; } = Gen.OneOf(
        RandomUnicode, Invisibles, ArabicForms, DigitFlood, MixedScripts, NoisyProse, MutatedArticle);

    // What a huge input is made of: one unit repeated, or random characters of one kind, without a break.
    private static readonly (string Name, Func<Random, string> Unit)[] HugeUnits =
    [
        ("arabic-token", random => ((char)random.Next(0x0621, 0x064B)).ToString()),
        ("latin-token", random => ((char)random.Next('a', 'z' + 1)).ToString()),
        ("western-digits", random => ((char)random.Next('0', '9' + 1)).ToString()),
        ("arabic-indic-digits", random => ((char)random.Next(0x0660, 0x066A)).ToString()),
        ("separated-number", random => random.Next(3) == 0 ? "," : ((char)random.Next('0', '9' + 1)).ToString()),
        ("decimal-chain", random => random.Next(2) == 0 ? "." : ((char)random.Next(0x0660, 0x066A)).ToString()),
        ("tatweel-and-marks", random => random.Next(2) == 0 ? "\u0640" : ((char)random.Next(0x064B, 0x0653)).ToString()),
        ("bidi-controls", random => BidiControls[random.Next(BidiControls.Count)].ToString()),
        ("nul-and-controls", random => ((char)random.Next(0, 32)).ToString()),
        ("astral", random => char.ConvertFromUtf32(random.Next(0x10000, 0x10FFFF))),
        ("line-breaks", random => random.Next(2) == 0 ? "\n" : "\r"),
        ("full-stops", _ => "."),
        ("spaces", random => random.Next(2) == 0 ? " " : "\u00A0"),
        ("angle-brackets", random => random.Next(2) == 0 ? "<" : "&"),
    ];

    /// <summary>One unbroken run of <paramref name="length"/> characters of a huge family, the same for the same seed.</summary>
    public static HostileSample Huge(int family, int length, int seed)
    {
        var (name, unit) = HugeUnits[family % HugeUnits.Length];
        var random = new Random(seed);
        var builder = new StringBuilder(length + 2);
        while (builder.Length < length)
        {
            builder.Append(unit(random));
        }
        return new HostileSample($"huge-{name}", builder.ToString());
    }

    /// <summary>The number of families <see cref="Huge"/> knows.</summary>
    public static int HugeFamilies => HugeUnits.Length;

    /// <summary>A realistic sentence repeated until the text is <paramref name="length"/> characters long.</summary>
    public static HostileSample Repeated(int article, int length)
    {
        var source = RealArticles[article % RealArticles.Count];
        var sentence = source.Split('\n', StringSplitOptions.RemoveEmptyEntries).MaxBy(line => line.Length)!;
        var builder = new StringBuilder(length + sentence.Length);
        while (builder.Length < length)
        {
            builder.Append(sentence).Append('\n');
        }
        return new HostileSample("repeated-sentence", builder.ToString());
    }

    /// <summary>
    /// Big inputs (100,000 to 400,000 characters): unbroken tokens of every huge family, realistic sentences repeated,
    /// small families repeated to that size.
    /// </summary>
    public static Gen<HostileSample> Big { get; } = Gen.OneOf(
        from family in Gen.Choose(0, 1000) from length in Gen.Choose(100_000, 400_000) from seed in Gen.Choose(0, int.MaxValue)
        select Huge(family, length, seed),
        from article in Gen.Choose(0, 1000) from length in Gen.Choose(100_000, 400_000)
        select Repeated(article, length),
        from sample in Small.Where(s => s.Text.Length > 0) from length in Gen.Choose(100_000, 400_000)
        select new HostileSample($"{sample.Family} repeated", string.Concat(Enumerable.Repeat(sample.Text, length / sample.Text.Length + 1))));
}
