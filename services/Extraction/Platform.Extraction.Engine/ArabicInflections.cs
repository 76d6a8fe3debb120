namespace Platform.Extraction.Engine;

/// <summary>
/// Arabic verb forms generated from a lexicon entry, so that a lexicon lists a verb once: a word marked <c>~v</c> is a
/// perfect verb of the third person masculine singular (اشتبك، أسقط، تصدى) and stands for its perfect forms: he, she,
/// they, the two (اشتبك، اشتبكت، اشتبكوا، اشتبكا، اشتبكتا); a final ى becomes ت/وا/يا (تصدت، تصدوا، تصديا). The
/// passive shares the perfect's letters. Clitics (و، ف) are peeled by the matcher, not generated.
/// </summary>
public static class ArabicInflections
{
    public static IReadOnlyList<string> Expand(string phrase)
    {
        var words = phrase.Split(' ');
        var marked = Array.FindIndex(words, w => w.Contains('~', StringComparison.Ordinal));
        if (marked < 0)
        {
            return [phrase];
        }
        var word = words[marked];
        var mark = word.IndexOf('~', StringComparison.Ordinal);
        var kind = word[(mark + 1)..];
        if (kind != "v" || mark == 0)
        {
            throw new InvalidDataException($"Lexicon phrase '{phrase}': unknown inflection mark '~{kind}' (Arabic takes ~v after a verb).");
        }
        return Perfect(word[..mark])
            .Select(form => string.Join(' ', words.Take(marked).Append(form).Concat(words.Skip(marked + 1))))
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    private static IEnumerable<string> Perfect(string verb)
    {
        yield return verb;
        if (verb.EndsWith('ى'))
        {
            var stem = verb[..^1];
            yield return stem + "ت";
            yield return stem + "وا";
            yield return stem + "يا";
            yield return stem + "تا";
            yield break;
        }
        yield return verb + "ت";
        yield return verb + "وا";
        yield return verb + "ا";
        yield return verb + "تا";
    }
}
