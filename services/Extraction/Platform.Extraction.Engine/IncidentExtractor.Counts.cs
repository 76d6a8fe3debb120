using Platform.Text;

namespace Platform.Extraction.Engine;

// Counts: tolls and arrests, as reports and monitors' notes state them.
public sealed partial class IncidentExtractor
{
    /// <summary>A toll split over places ("split as follows: 4 Manajir, 4 Lilan") gives each incident there its share.</summary>
    private static List<IncidentFound> WithAllocatedTolls(string text, List<IncidentFound> incidents)
    {
        if (incidents.Count == 0)
        {
            return incidents;
        }
        var shares = TollAllocation.Of(text, PlaceKey);
        if (shares.Count == 0)
        {
            return incidents;
        }
        return incidents.Select(incident =>
        {
            var share = incident.Places.Where(p => p.Relation is not ("between" or PlaceMentionFinder.CountryMention))
                .Select(p => shares.TryGetValue(PlaceKey(p.Name), out var n) ? n : (int?)null)
                .FirstOrDefault(n => n is not null);
            if (share is null)
            {
                return incident;
            }
            var rules = new Dictionary<string, string>(incident.Rules, StringComparer.Ordinal) { ["fatalities"] = "allocated toll" };
            return incident with { Fatalities = share, Rules = rules };
        }).ToList();
    }

    /// <summary>
    /// The toll a monitor's note states as its coding: "Unknown number of fatalities coded as 10", "Total fatalities
    /// coded to 61", "Total fatalities 26": it replaces any count the sentences gave.
    /// </summary>
    private static int? CodedToll(List<Token> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            if (tokens[i].Text is not ("fatalities" or "fatality" or "number"))
            {
                continue;
            }
            var total = i > 0 && tokens[i - 1].Text == "total" && tokens[i].Text != "number";
            for (var j = i + 1; j < Math.Min(tokens.Count, i + 9); j++)
            {
                var coded = tokens[j - 1].Text is "as" or "to" or "at" && tokens.Skip(i + 1).Take(j - i - 1).Any(t => t.Text == "coded");
                if ((coded || total && tokens[j - 1].Text is "fatalities" or "of" or "were" or "is") && int.TryParse(tokens[j].Text, out var n) && n is >= 0 and < MinimumYear)
                {
                    return n;
                }
            }
        }
        return null;
    }

    // "shot and killed a QSD fighter": one person, named by an article and a singular noun.
    private static readonly HashSet<string> SingularPersons = new(StringComparer.Ordinal)
    {
        "fighter", "soldier", "member", "commander", "officer", "militant", "militiaman", "gunman", "rebel", "emir", "lieutenant", "sergeant",
        "colonel", "policeman", "civilian", "man", "woman", "child", "boy", "girl", "shepherd", "farmer", "doctor", "leader", "journalist",
        "guard", "activist", "teacher", "mukhtar", "cleric", "student", "driver",
    };

    private static int? OnePerson(List<Token> tokens, int from)
    {
        if (from >= tokens.Count || tokens[from].Text is not ("a" or "an"))
        {
            return null;
        }
        return tokens.Skip(from + 1).Take(4).Any(t => SingularPersons.Contains(t.Text)) ? 1 : null;
    }

    /// <summary>"A regime security guard was killed": the passive's subject is one person.</summary>
    private static int? OnePersonBefore(List<Token> tokens, int killed)
    {
        for (var i = killed - 1; i >= 0 && i >= killed - 7; i--)
        {
            if (tokens[i].Text is "a" or "an")
            {
                return tokens.Skip(i + 1).Take(killed - i - 1).Any(t => SingularPersons.Contains(t.Text)) ? 1 : null;
            }
        }
        return null;
    }

    private static int? CountNear(List<Token> tokens, List<PhraseMatch<(string Kind, string Value)>> cues, string kind)
    {
        if (kind == "killed" && CodedToll(tokens) is { } coded)
        {
            return coded;
        }
        int? total = null;
        foreach (var word in cues.Where(c => c.Entry.Value.Kind == kind))
        {
            // After the word: "مقتل شخص", "killing at least 32 people", "killing a woman and her two children"
            // (counts joined by "and" add up). Before it: "four soldiers dead", "20 قتلى".
            // "At least 12 fighters were killed": a passive looks further back for its subject's count.
            var passive = Enumerable.Range(word.First - 2, 2).Any(i => i >= 0 && tokens[i].Text is "was" or "were" or "been" or "have" or "has" or "had");
            // "قتل مسلحون مجهولون أمس عنصرين": after a clause-initial Arabic verb, its subject and a time word come first.
            var verbFirst = word.First == 0 && Tokenizer.IsArabic(tokens[0].Text) && !HasArticle(tokens[0].Text);
            var count = CountedAfter(tokens, cues, word.Last + 1, verbFirst ? VerbFirstObjectWindow : CountWindow) ?? CountedBefore(tokens, cues, word.First - 1, passive ? 6 : 2)
                ?? (kind == "killed" ? OnePerson(tokens, word.Last + 1) ?? (passive ? OnePersonBefore(tokens, word.First) : null) : null);
            if (count is not null)
            {
                total = Math.Max(total ?? 0, count.Value);
            }
        }
        return total;
    }

    // How far after a killing word its count may begin, and after a verb that opens its clause (subject, time word, object).
    private const int CountWindow = 3;
    private const int VerbFirstObjectWindow = 5;

    private static int? CountedAfter(List<Token> tokens, List<PhraseMatch<(string Kind, string Value)>> cues, int from, int firstWindow = CountWindow)
    {
        int? total = null;
        var position = from;
        var window = firstWindow;
        while (true)
        {
            (int Value, int Last)? found = null;
            for (var i = position; i < position + window && i < tokens.Count && found is null; i++)
            {
                // A second count must be joined to the first by "and" ("و" may be a clitic of the count itself).
                if (total is not null && !JoinedByAnd(tokens, position, i))
                {
                    continue;
                }
                found = CountAt(tokens, cues, i);
                // "6 killed, 12 wounded", "ten killed and 22 injured": a count of the injured is never a toll.
                if (found is { } candidate && (CountsInjured(tokens, candidate.Last) || total is null && AfterAnd(tokens, position, i)))
                {
                    return total;
                }
            }
            if (found is null)
            {
                return total;
            }
            total = (total ?? 0) + found.Value.Value;
            position = found.Value.Last + 1;
            window = CountWindow;
        }
    }

    private static readonly HashSet<string> InjuryWords = new(StringComparer.Ordinal)
    {
        "wounded", "injured", "injuring", "wounding", "hurt", "injuries", "جرحى", "جريح", "جريحا", "جرح", "أصيب", "اصيب", "أصيبوا", "اصيبوا",
        "إصابة", "اصابة", "إصابات", "اصابات", "مصابين", "مصابا", "بجروح", "وجرح", "وإصابة", "واصابة", "وأصيب", "واصيب",
    };

    /// <summary>
    /// The count ending at <paramref name="last"/> counts the injured: an injury word follows it, right away or after its
    /// noun ("12 wounded", "22 people injured"); not one that opens the next clause ("8 أشخاص وأصيب 20").
    /// </summary>
    private static bool CountsInjured(List<Token> tokens, int last) =>
        last + 1 < tokens.Count && InjuryWords.Contains(tokens[last + 1].Text)
        || last + 2 < tokens.Count && InjuryWords.Contains(tokens[last + 2].Text) && !tokens[last + 2].Text.StartsWith('و');

    private static bool AfterAnd(List<Token> tokens, int from, int at) =>
        at > from && (JoinedByAnd(tokens, from, at) || Enumerable.Range(from, at - from).Any(i => tokens[i].Text == "while"));

    private static bool JoinedByAnd(List<Token> tokens, int from, int at)
    {
        for (var i = from; i < at; i++)
        {
            if (tokens[i].Text is "and" or "و")
            {
                return true;
            }
        }
        return tokens[at].Text.Length > 2 && tokens[at].Text[0] == 'و' && Tokenizer.IsArabic(tokens[at].Text);
    }

    private static int? CountedBefore(List<Token> tokens, List<PhraseMatch<(string Kind, string Value)>> cues, int to, int window)
    {
        for (var i = to; i >= 0 && i >= to - window; i--)
        {
            // "19 civilians including five children were killed": the count after "including" is a part of the toll.
            if (i > 0 && tokens[i - 1].Text is "including" or "among" or "بينهم" or "منهم")
            {
                continue;
            }
            if (CountAt(tokens, cues, i) is { } found)
            {
                // "7 Islamist and 5 regime fighters were killed": counts joined by "and" before the word add up.
                var sum = found.Value;
                for (var k = i - 1; k >= 0 && k >= i - window; k--)
                {
                    if (tokens[k].Text is "and" or "و" && Enumerable.Range(Math.Max(0, k - 4), Math.Min(4, k)).Reverse()
                        .Select(m => CountAt(tokens, cues, m)).FirstOrDefault(c => c is not null) is { } earlier)
                    {
                        sum += earlier.Value;
                        break;
                    }
                }
                return sum;
            }
        }
        return null;
    }

    /// <summary>A count starting at token <paramref name="index"/>: a number word, a counted noun or digits (not a date).</summary>
    private static (int Value, int Last)? CountAt(List<Token> tokens, List<PhraseMatch<(string Kind, string Value)>> cues, int index)
    {
        var word = cues.Where(c => c.Entry.Value.Kind == "number" && c.First == index).OrderByDescending(c => c.Last).FirstOrDefault();
        if (word is not null)
        {
            return (int.Parse(word.Entry.Value.Value, System.Globalization.CultureInfo.InvariantCulture), word.Last);
        }
        return DigitsNear(tokens, cues, index, index) is { } digits ? (digits, index) : null;
    }

    private static int? DigitsNear(List<Token> tokens, List<PhraseMatch<(string Kind, string Value)>> cues, int from, int to)
    {
        for (var i = Math.Max(0, from); i <= to && i < tokens.Count; i++)
        {
            if (!int.TryParse(tokens[i].Text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
                || n >= 100_000)
            {
                continue;
            }
            // "on 24 January", "في آذار 2018", "in 2019": dates and years, not counts.
            var besideMonth = cues.Any(c => c.Entry.Value.Kind == "month" && (c.Last == i - 1 || c.First == i + 1));
            // "2,000" written with a separator is a count, never a year.
            var separated = tokens[i].End - tokens[i].Start != tokens[i].Text.Length;
            if (besideMonth || n is >= 1900 and <= 2100 && !separated)
            {
                continue;
            }
            return n;
        }
        return null;
    }
}
