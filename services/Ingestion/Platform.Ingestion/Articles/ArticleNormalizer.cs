using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Platform.Ingestion.Articles;

/// <summary>
/// Turns submitted text into the canonical text that is hashed, stored and read by extraction.
/// Pure and deterministic: the same input always gives the same output, which keeps article ids stable.
/// </summary>
public static partial class ArticleNormalizer
{
    // Lines that open the page furniture under an article: once one appears after some content,
    // nothing below it is the report any more.
    private static readonly string[] FurnitureBlockStarts =
    [
        "الأكثر قراءة", "الاكثر قراءة", "الأكثر مشاهدة", "أهم المواضيع", "أهم التصنيفات", "اقرأ أيضا", "اقرأ أيضاً",
        "مواضيع ذات صلة", "أخبار ذات صلة", "مقالات ذات صلة", "شارك هذا المقال",
        "most read", "most popular", "most viewed", "related articles", "related stories", "read more",
        "read also", "more stories", "recommended", "trending",
    ];

    // Single lines of furniture that may stand anywhere: comment counters, share buttons, bare counts.
    [GeneratedRegex(@"^(?:التعليقات|تعليقات|تعليق|comments?|responses?)\s*[\(\[]?\s*[0-9٠-٩]*\s*[\)\]]?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CommentCounter();

    [GeneratedRegex(@"^(?:[0-9٠-٩]+|share|tweet|print|email|مشاركة|شارك|طباعة|تغريد|أرسل)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LoneControlWord();

    [GeneratedRegex(@"[ \t]+")]
    private static partial Regex HorizontalSpace();

    /// <summary>Normalises plain text. Returns an empty string when nothing of the report remains.</summary>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var folded = FoldCharacters(text);
        var lines = folded.Split('\n').Select(line => HorizontalSpace().Replace(line, " ").Trim()).ToList();

        var kept = new List<string>(lines.Count);
        var sawContent = false;
        foreach (var line in lines)
        {
            var key = StripLeadingSymbols(line);
            if (sawContent && IsFurnitureBlockStart(key))
            {
                break;
            }
            if (line.Length > 0 && (IsFurnitureLine(key) || key.Length == 0))
            {
                continue;
            }
            // A headline printed twice in a row (pages often repeat it above the body) is one headline.
            if (line.Length > 0 && LastNonEmpty(kept) == line)
            {
                continue;
            }
            if (line.Length == 0 && (kept.Count == 0 || kept[^1].Length == 0))
            {
                continue;
            }
            kept.Add(line);
            sawContent |= line.Length > 0;
        }
        return string.Join('\n', kept).Trim();
    }

    private static string? LastNonEmpty(List<string> lines)
    {
        for (var i = lines.Count - 1; i >= 0; i--)
        {
            if (lines[i].Length > 0)
            {
                return lines[i];
            }
        }
        return null;
    }

    private static bool IsFurnitureBlockStart(string key) =>
        key.Length <= 40 && Array.Exists(FurnitureBlockStarts, start => key.Equals(start, StringComparison.OrdinalIgnoreCase)
            || key.StartsWith(start + ":", StringComparison.OrdinalIgnoreCase));

    private static bool IsFurnitureLine(string key) => CommentCounter().IsMatch(key) || LoneControlWord().IsMatch(key);

    // Emoji and pictographs in front of a heading ("💡 أهم المواضيع") are decoration.
    private static string StripLeadingSymbols(string line)
    {
        var i = 0;
        while (i < line.Length)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(line, i);
            if (category is UnicodeCategory.OtherSymbol or UnicodeCategory.ModifierSymbol or UnicodeCategory.Surrogate
                or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpaceSeparator or UnicodeCategory.Format
                or UnicodeCategory.DashPunctuation || line[i] is '•' or '*' or '|' or '›' or '»' or '\uFE0F')
            {
                i += char.IsSurrogatePair(line, i) ? 2 : 1;
                continue;
            }
            break;
        }
        return line[i..];
    }

    /// <summary>
    /// Folds what only looks different: line endings, no-break and exotic spaces, bidi and zero-width marks,
    /// control characters. Letters, digits and Arabic diacritics are left as written (extraction folds them
    /// itself and keeps offsets into this text).
    /// </summary>
    public static string FoldCharacters(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\r':
                    builder.Append('\n');
                    if (i + 1 < text.Length && text[i + 1] == '\n')
                    {
                        i++;
                    }
                    break;
                case '\n':
                    builder.Append('\n');
                    break;
                case '\u2028' or '\u2029':
                    builder.Append('\n');
                    break;
                case '\t' or '\u00A0' or '\u1680' or (>= '\u2000' and <= '\u200A') or '\u202F' or '\u205F' or '\u3000':
                    builder.Append(' ');
                    break;
                // Bidi controls, zero-width space, BOM, Arabic letter mark: invisible, never meaningful here.
                case '\u200B' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069')
                    or '\u061C' or '\uFEFF' or '\u00AD':
                    break;
                default:
                    if (!char.IsControl(c))
                    {
                        builder.Append(c);
                    }
                    break;
            }
        }
        return builder.ToString();
    }
}
