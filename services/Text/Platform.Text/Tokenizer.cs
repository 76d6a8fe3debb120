namespace Platform.Text;

/// <summary>A word of a folded text: [Start, End) in folded coordinates.</summary>
public readonly record struct Token(string Text, int Start, int End);

public static class Tokenizer
{
    /// <summary>Splits folded text into words: runs of letters and digits (a decimal point inside a number stays).</summary>
    public static List<Token> Tokenize(string folded, int start = 0, int end = -1)
    {
        if (end < 0)
        {
            end = folded.Length;
        }
        // About one word in six characters in both languages: sized once rather than grown.
        var tokens = new List<Token>(Math.Max(4, (end - start) / 6));
        var i = start;
        while (i < end)
        {
            if (!char.IsLetterOrDigit(folded[i]))
            {
                i++;
                continue;
            }
            var tokenStart = i;
            while (i < end && (char.IsLetterOrDigit(folded[i]) || IsInsideNumber(folded, i, tokenStart, end)))
            {
                i++;
            }
            var text = folded[tokenStart..i];
            tokens.Add(new Token(text.Replace(",", "", StringComparison.Ordinal).Replace("\u066C", "", StringComparison.Ordinal), tokenStart, i));
        }
        return tokens;
    }

    // "7.8" and "1,200" are one number: a point between digits, or a thousands separator before exactly three digits.
    private static bool IsInsideNumber(string folded, int i, int tokenStart, int end)
    {
        if (i == tokenStart || !char.IsDigit(folded[i - 1]) || i + 1 >= end || !char.IsDigit(folded[i + 1]))
        {
            return false;
        }
        if (folded[i] == '.')
        {
            return true;
        }
        if (folded[i] is not (',' or '\u066C'))
        {
            return false;
        }
        var digits = 0;
        for (var j = i + 1; j < end && char.IsDigit(folded[j]); j++)
        {
            digits++;
        }
        return digits == 3;
    }

    /// <summary>True when the word is written in Arabic script.</summary>
    public static bool IsArabic(string word) => Script.IsArabic(word);

    /// <summary>
    /// The forms an Arabic word may stand for once its clitics are peeled: the conjunctions و and ف, the
    /// prepositions ب ل ك, the article ال and لل (ل + ال). The word itself comes first. Each form is given
    /// without its article, so callers compare article-less forms.
    /// </summary>
    public static IEnumerable<string> ArabicStems(string word)
    {
        yield return StripArticle(word);
        if (!IsArabic(word) || word.Length < 3)
        {
            yield break;
        }
        var afterConjunction = word[0] is 'و' or 'ف' ? word[1..] : null;
        if (afterConjunction is { Length: >= 2 })
        {
            yield return StripArticle(afterConjunction);
        }
        foreach (var candidate in new[] { word, afterConjunction })
        {
            if (candidate is not { Length: >= 3 })
            {
                continue;
            }
            if (candidate.StartsWith("لل", StringComparison.Ordinal))
            {
                yield return candidate[2..];
            }
            // A preposition takes no particle: "كلم" (kilometre) is not ك + لم ("did not").
            if (candidate[0] is 'ب' or 'ل' or 'ك' && !ParticlesAfterNoPreposition.Contains(candidate[1..]))
            {
                yield return StripArticle(candidate[1..]);
            }
        }
    }

    private static readonly HashSet<string> ParticlesAfterNoPreposition = new(StringComparer.Ordinal) { "لم", "لن", "لو", "هل", "قد", "لا", "ما" };

    /// <summary>The word without a leading ال (when something is left).</summary>
    public static string StripArticle(string word) =>
        word.Length > 3 && word.StartsWith("ال", StringComparison.Ordinal) ? word[2..] : word;
}
