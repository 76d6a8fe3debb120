namespace Platform.Extraction.Engine;

/// <summary>
/// The inflected forms of an English lexicon phrase whose last word is written as a lemma with a part-of-speech mark:
/// "air strike~n" gives "air strike" and "air strikes"; "shell~v" gives "shell", "shells", "shelled", "shelling". Regular
/// English spelling rules only (sibilant plurals, consonant + y, silent e, a doubled final consonant after a single
/// stressed vowel where the lexicon asks for it with "~vv"); irregular forms are written out as phrases of their own.
/// </summary>
public static class EnglishInflections
{
    public static IReadOnlyList<string> Expand(string phrase)
    {
        var mark = phrase.LastIndexOf('~');
        if (mark < 0)
        {
            return [phrase];
        }
        var kind = phrase[(mark + 1)..];
        var head = phrase[..mark];
        var split = head.LastIndexOf(' ');
        var prefix = split < 0 ? "" : head[..(split + 1)];
        var lemma = split < 0 ? head : head[(split + 1)..];
        var forms = kind switch
        {
            "n" => Noun(lemma),
            "v" => Verb(lemma, doubleFinal: false),
            "vv" => Verb(lemma, doubleFinal: true),
            _ => throw new InvalidDataException($"Lexicon phrase '{phrase}': unknown inflection mark '~{kind}' (use ~n, ~v or ~vv)."),
        };
        return forms.Distinct(StringComparer.Ordinal).Select(form => prefix + form).ToList();
    }

    private static IEnumerable<string> Noun(string lemma) => [lemma, ThirdPerson(lemma)];

    private static IEnumerable<string> Verb(string lemma, bool doubleFinal)
    {
        var stem = doubleFinal ? lemma + lemma[^1] : lemma;
        yield return lemma;
        yield return ThirdPerson(lemma);
        if (lemma.EndsWith('e'))
        {
            yield return lemma + "d";
            yield return lemma[..^1] + "ing";
        }
        else if (EndsInConsonantY(lemma))
        {
            yield return lemma[..^1] + "ied";
            yield return lemma + "ing";
        }
        else
        {
            yield return stem + "ed";
            yield return stem + "ing";
        }
    }

    private static string ThirdPerson(string word) =>
        word.EndsWith('s') || word.EndsWith('x') || word.EndsWith('z') || word.EndsWith("ch", StringComparison.Ordinal) || word.EndsWith("sh", StringComparison.Ordinal)
            ? word + "es"
            : EndsInConsonantY(word) ? word[..^1] + "ies" : word + "s";

    private static bool EndsInConsonantY(string word) => word.Length > 1 && word[^1] == 'y' && !(word[^2] is 'a' or 'e' or 'i' or 'o' or 'u');
}
