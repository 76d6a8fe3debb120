using System.Text;

namespace Platform.Text;

/// <summary>
/// Folds text for matching: Arabic diacritics and tatweel removed, alef/yaa/taa-marbuta/hamza-seat variants
/// unified, Arabic-Indic digits made ASCII; Latin letters lower-cased with their diacritics and apostrophes removed.
/// Keeps a map from every folded character back to its offset in the original text.
/// </summary>
public static class TextFolding
{
    public static bool IsArabicDiacritic(char c) =>
        c is (>= '\u064B' and <= '\u065F') or '\u0670' or '\u0640' or (>= '\u06D6' and <= '\u06ED') or (>= '\u0610' and <= '\u061A');

    /// <summary>Folds one character; '\0' means "drop it".</summary>
    public static char FoldChar(char c) => c switch
    {
        'أ' or 'إ' or 'آ' or 'ٱ' => 'ا',
        'ى' => 'ي',
        'ئ' => 'ي',
        'ؤ' => 'و',
        'ة' => 'ه',
        'ک' => 'ك',
        'ی' => 'ي',
        >= '٠' and <= '٩' => (char)('0' + (c - '٠')),
        >= '۰' and <= '۹' => (char)('0' + (c - '۰')),
        '‘' or '’' or 'ʿ' or 'ʾ' or '\'' or '`' or '´' => '\0',
        _ when IsArabicDiacritic(c) => '\0',
        _ when c < 128 => char.ToLowerInvariant(c),
        _ => FoldLatinDiacritic(c),
    };

    // Latin letters with the diacritics of transliterated Arabic, Turkish and Kurdish names, and their base letters.
    // A table rather than Unicode decomposition: the services run with invariant globalization.
    private const string AccentedLetters = "āáàâäãåăąēéèêëěėęīíìîïıōóòôöõøőūúùûüůűçćčḑḍďğģḩḥħķłńñňşśšșṣţṭťțẕẓźžżýÿŵ";
    private const string BaseLetters =     "aaaaaaaaaeeeeeeeeiiiiiioooooooouuuuuuucccdddgghhhklnnnsssssttttzzzzzyyw";

    private static char FoldLatinDiacritic(char c)
    {
        var lower = char.ToLowerInvariant(c);
        var index = AccentedLetters.IndexOf(lower, StringComparison.Ordinal);
        return index >= 0 ? BaseLetters[index] : lower;
    }

    /// <summary>Folds <paramref name="source"/> into <paramref name="destination"/> (at least as long) and returns the folded length.</summary>
    public static int FoldInto(ReadOnlySpan<char> source, Span<char> destination)
    {
        var length = 0;
        foreach (var c in source)
        {
            var folded = FoldChar(c);
            if (folded != '\0')
            {
                destination[length++] = folded;
            }
        }
        return length;
    }

    /// <summary>Folds a whole string (no offset map), for building indexes of names.</summary>
    public static string Fold(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            var folded = FoldChar(c);
            if (folded != '\0')
            {
                builder.Append(folded);
            }
        }
        return builder.ToString();
    }

    /// <summary>Folds a text and remembers where each folded character came from.</summary>
    public static FoldedText FoldWithOffsets(string text)
    {
        var builder = new StringBuilder(text.Length);
        var offsets = new int[text.Length + 1];
        var count = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var folded = FoldChar(text[i]);
            if (folded == '\0')
            {
                continue;
            }
            builder.Append(folded);
            offsets[count++] = i;
        }
        offsets[count] = text.Length;
        return new FoldedText(text, builder.ToString(), offsets.AsMemory(0, count + 1));
    }
}

/// <summary>A folded text and, for each of its characters, the offset of the character it came from.</summary>
public sealed class FoldedText(string original, string folded, ReadOnlyMemory<int> offsets)
{
    public string Original { get; } = original;
    public string Folded { get; } = folded;

    /// <summary>Offset in the original text of folded position <paramref name="foldedIndex"/> (the text length at the end).</summary>
    public int ToOriginal(int foldedIndex) => offsets.Span[foldedIndex];

    private static bool IsArabicDiacritic(char c) => TextFolding.IsArabicDiacritic(c);

    /// <summary>The original characters covering folded range [start, end).</summary>
    public (int Start, int Length) ToOriginalSpan(int start, int end)
    {
        var originalStart = ToOriginal(start);
        var originalEnd = end > start ? ToOriginal(end - 1) + 1 : originalStart;
        // Marks dropped by folding after the last letter ("سراقبَ") still belong to the word.
        while (originalEnd < Original.Length && IsArabicDiacritic(Original[originalEnd]))
        {
            originalEnd++;
        }
        return (originalStart, originalEnd - originalStart);
    }
}
