using Platform.Text;

namespace Platform.Extraction.Engine;

/// <summary>A place mention of a sentence, with the tokens it covers.</summary>
internal sealed record PlaceCandidate(PlaceFound Place, int FirstToken, int LastToken);

/// <summary>
/// Finds the place names a sentence carries, in text order. Two kinds:
/// <list type="bullet">
/// <item>cued mentions: a cue before the name ("قرية X", "near X", "countryside of X") or a feature word after it
/// ("X town", "X countryside", "X province"), which say how the event relates to the place;</item>
/// <item>free mentions (<see cref="FreeMention"/>): every other run of words that may be a name (an English run of
/// capitalised words, with al-/ad-/as- particles; an Arabic run of words that are not the lexicons' words). The
/// geocoder keeps only the parts that name a place in its gazetteer.</item>
/// </list>
/// The cued mentions come first (in text order), then the free ones (in text order).
/// </summary>
internal sealed class PlaceMentionFinder(Lexicon lexicon)
{
    /// <summary>The relation of a name found without a cue: the geocoder decides whether it names a place.</summary>
    public const string FreeMention = "mention";

    /// <summary>
    /// The relation of a country the article names ("Syria", "Syrian", "العراقية"), with its ISO code as the only hint:
    /// never an incident's place, it tells the geocoder which countries the article is about.
    /// </summary>
    public const string CountryMention = "country";

    /// <summary>
    /// The prefix of a mention from the article's headline or lead rather than the incident's sentence ("article:in",
    /// "article:mention"): where the article is, for an incident whose own sentence names no known place.
    /// </summary>
    public const string ArticlePrefix = "article:";

    // Cue-introduced names are at most a few words ("قرية عين ديوار", "Tal Tamer"), free ones a little longer.
    private const int CuedWindow = 4;
    private const int FreeWindow = 5;

    /// <param name="lexiconMatches">The sentence's actor and trigger matches, when the caller has them already.</param>
    public List<PlaceCandidate> Find(FoldedText folded, List<Token> tokens, List<PhraseMatch<(string Kind, string Value)>> cues,
        IEnumerable<(int First, int Last)>? lexiconMatches = null)
    {
        var places = Cued(folded, tokens, cues);
        // Words of the lexicons (every word of a multi-word actor, trigger or cue) and of the cued names are never part
        // of a free mention.
        var covered = new bool[tokens.Count];
        void Cover(int first, int last)
        {
            for (var i = first; i <= last && i < covered.Length; i++)
            {
                covered[i] = true;
            }
        }
        foreach (var place in places)
        {
            Cover(place.FirstToken, place.LastToken);
        }
        lexiconMatches ??= lexicon.Actors.FindAll(tokens).Select(m => (m.First, m.Last))
            .Concat(lexicon.Triggers.FindAll(tokens).Select(m => (m.First, m.Last)));
        foreach (var (first, last) in lexiconMatches)
        {
            Cover(first, last);
        }
        var organisations = new bool[tokens.Count];
        foreach (var cue in cues.Where(c => c.Entry.Value.Kind is not ("place" or "skip" or "feature-after")))
        {
            Cover(cue.First, cue.Last);
        }
        foreach (var cue in cues.Where(c => c.Entry.Value.Kind == "organisation"))
        {
            for (var i = cue.First; i <= cue.Last; i++)
            {
                organisations[i] = true;
            }
        }
        // Cued mentions first, in text order: a cue says the name is a place and how the event relates to it. Then the
        // free ones, in text order, for the geocoder to try.
        // A name with a feature word after it ("the Zzyzx area") is cued by that word.
        var free = Free(folded, tokens, covered, organisations).ToList();
        places.AddRange(free.Where(p => p.Place.Relation != FreeMention));
        places.Sort((a, b) => a.FirstToken.CompareTo(b.FirstToken));
        places.AddRange(free.Where(p => p.Place.Relation == FreeMention));
        places.RemoveAll(p => IsFarReference(tokens, p.FirstToken));
        return places;
    }

    // A place this far from the one an event is at ("الموصل التي تبعد 350 كلم شمال بغداد") only measures where that one is.
    private const double FarReferenceKm = 50;

    private static readonly HashSet<string> DistanceUnits = new(StringComparer.Ordinal)
    {
        "كلم", "كم", "كيلومتر", "كيلومترا", "كيلومترات", "km", "kilometers", "kilometres", "kilometer", "kilometre", "miles",
    };

    /// <summary>
    /// A name right after a distance over <see cref="FarReferenceKm"/> ("350 كلم شمال بغداد", "420 km east of Damascus"):
    /// the point a distance is counted from, not a place of the event.
    /// </summary>
    private static bool IsFarReference(List<Token> tokens, int first)
    {
        for (var unit = first - 1; unit >= 0 && unit >= first - 3; unit--)
        {
            if (!DistanceUnits.Contains(tokens[unit].Text))
            {
                continue;
            }
            if (unit == 0 || !double.TryParse(tokens[unit - 1].Text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var distance))
            {
                return false;
            }
            var miles = tokens[unit].Text == "miles";
            return (miles ? distance * 1.609 : distance) > FarReferenceKm;
        }
        return false;
    }

    private List<PlaceCandidate> Cued(FoldedText folded, List<Token> tokens, List<PhraseMatch<(string Kind, string Value)>> cues)
    {
        var places = new List<PlaceCandidate>();
        foreach (var cue in cues.Where(c => c.Entry.Value.Kind == "place"))
        {
            var first = cue.Last + 1;
            while (first < tokens.Count && IsCue(tokens, first, "skip") && !SeparatedByPunctuation(folded, tokens, first - 1, first))
            {
                first++;
            }
            // "في محيط قرية X": the innermost cue introduces the name; the outer ones only lead to it.
            if (first >= tokens.Count || SeparatedByPunctuation(folded, tokens, cue.Last, first)
                || char.IsDigit(tokens[first].Text[0]) || IsAnyCue(tokens, first) && !IsCue(tokens, first, "skip"))
            {
                continue;
            }
            // English place names are proper nouns: "in a crowded market" names no place.
            if (!Tokenizer.IsArabic(tokens[first].Text) && (!StartsName(folded, tokens, first) || IsAcronym(folded, tokens[first])))
            {
                continue;
            }
            var (last, feature) = NameEnd(folded, tokens, first, CuedWindow);
            var hints = new List<string>();
            var relation = Combine(cue.Entry.Value.Value, feature);
            // "between Hamza Division and ...": the parties of a clash, not a place.
            if (relation == "between" && last + 1 < tokens.Count && IsCue(tokens, last + 1, "organisation"))
            {
                continue;
            }
            if (relation == "between" && BetweenSecond(folded, tokens, first, last) is { } and)
            {
                // "بين دير الزور والميادين", "between Deir ez-Zor and al-Mayadin": the first place, with the second as hint.
                last = and - 1;
                var secondFirst = tokens[and].Text == "and" ? and + 1 : and;
                if (secondFirst < tokens.Count)
                {
                    var second = OriginalText(folded, tokens, secondFirst, NameEnd(folded, tokens, secondFirst, CuedWindow).Last);
                    hints.Add(tokens[and].Text != "and" && second.Length > 1 && second[0] == 'و' ? second[1..] : second);
                }
            }
            var direction = cues.FirstOrDefault(c => c.Entry.Value.Kind == "direction" && c.First > first && c.First <= last + 1);
            if (direction is not null)
            {
                // "الصور شمال دير الزور": the name ends before the direction, and the city after it is a hint.
                last = Math.Max(first, direction.First - 1);
                var hintFirst = direction.Last + 1;
                if (hintFirst < tokens.Count && !SeparatedByPunctuation(folded, tokens, direction.Last, hintFirst))
                {
                    hints.Add(OriginalText(folded, tokens, hintFirst, NameEnd(folded, tokens, hintFirst, CuedWindow).Last));
                }
            }
            if (last < first)
            {
                continue;
            }
            places.Add(Candidate(folded, tokens, first, last, relation, hints, feature is null ? last : last + 1));
        }
        return places;
    }

    /// <summary>
    /// Names no cue introduces: English runs of capitalised words, Arabic runs of words that no lexicon knows, each cut
    /// at punctuation and at the lexicons' words (actors, triggers, cues). A feature word after the run ("X town",
    /// "X countryside") still says what it is.
    /// </summary>
    private IEnumerable<PlaceCandidate> Free(FoldedText folded, List<Token> tokens, bool[] covered, bool[] organisations)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            if (covered[i] || !MayBeName(folded, tokens, i))
            {
                continue;
            }
            var (last, feature) = NameEnd(folded, tokens, i, FreeWindow);
            for (var k = i; k <= last; k++)
            {
                if (covered[k])
                {
                    // Cut at a word already claimed: the feature word after the whole run says nothing of the part.
                    last = k - 1;
                    feature = null;
                    break;
                }
            }
            if (last < i)
            {
                continue;
            }
            var first = i;
            i = last;
            // "Al-Rahman Corps", "Ahrar al-Sham": a run beside an organisation word is a group's name.
            if (first > 0 && organisations[first - 1] && !SeparatedByPunctuation(folded, tokens, first - 1, first)
                || last + 1 < tokens.Count && organisations[last + 1] && !SeparatedByPunctuation(folded, tokens, last, last + 1))
            {
                continue;
            }
            var relation = feature ?? FreeMention;
            var candidate = Candidate(folded, tokens, first, last, relation, [], feature is null ? last : last + 1);
            yield return relation == FreeMention && first > 0 && tokens[first - 1].Text is "في" or "وفي" && !SeparatedByPunctuation(folded, tokens, first - 1, first)
                ? candidate with { Place = candidate.Place with { AfterIn = true } }
                : candidate;
        }
    }

    private bool MayBeName(FoldedText folded, List<Token> tokens, int index)
    {
        var text = tokens[index].Text;
        if (char.IsDigit(text[0]) || IsAnyCue(tokens, index, StartsNoNameCue))
        {
            return false;
        }
        return Tokenizer.IsArabic(text) ? text.Length > 2 || text is "تل" or "ام" : StartsName(folded, tokens, index) && !IsAcronym(folded, tokens[index]);
    }

    /// <summary>"IS", "QSD", "FaR", "SVBIED": a Latin word with a second capital is an abbreviation, not a place name.</summary>
    private static bool IsAcronym(FoldedText folded, Token token)
    {
        if (IsParticle(token.Text))
        {
            return false;
        }
        var start = folded.ToOriginal(token.Start);
        var end = token.End < folded.Folded.Length ? folded.ToOriginal(token.End) : folded.Original.Length;
        var capitals = 0;
        for (var i = start; i < end; i++)
        {
            capitals += char.IsUpper(folded.Original[i]) ? 1 : 0;
        }
        return capitals > 1 || token.Text.Length < 3;
    }

    private static PlaceCandidate Candidate(FoldedText folded, List<Token> tokens, int first, int last, string relation, List<string> hints, int lastCovered)
    {
        var (start, length) = folded.ToOriginalSpan(tokens[first].Start, tokens[last].End);
        var name = folded.Original.Substring(start, length);
        return new PlaceCandidate(new PlaceFound(name, relation, hints, new Span(start, length, name)), first, Math.Min(lastCovered, tokens.Count - 1));
    }

    /// <summary>
    /// What a cue and a feature word after the name say together: "in Tokhar village" is in Tokhar, "in the Raju area"
    /// is an area of Raju, "in Aleppo countryside" its countryside; "near X town" stays near.
    /// </summary>
    private static string Combine(string cueRelation, string? feature) =>
        feature is null ? cueRelation
        : feature is "countryside-of" or "region" ? feature
        : cueRelation == "in" ? feature
        : cueRelation;

    /// <summary>
    /// The last token of a name starting at <paramref name="first"/>, and the relation a feature word right after it
    /// names ("town" in, "area" area, "countryside" countryside-of, "province" region). A Latin name runs over
    /// capitalised words and lower-case particles between them ("Ras al-Ain", "Deir ez-Zor"); an Arabic one over up to
    /// a few words. Both stop at punctuation, digits and the lexicons' words.
    /// </summary>
    private (int Last, string? Feature) NameEnd(FoldedText folded, List<Token> tokens, int first, int window)
    {
        var latin = !Tokenizer.IsArabic(tokens[first].Text);
        var last = first;
        while (last + 1 < tokens.Count && last + 1 - first < window
            && !SeparatedByPunctuation(folded, tokens, last, last + 1)
            && !char.IsDigit(tokens[last + 1].Text[0])
            && !IsAnyCue(tokens, last + 1, EndsNameOrFeatureCue)
            && (!latin || ContinuesLatinName(folded, tokens, last + 1)))
        {
            last++;
        }
        var feature = last + 1 < tokens.Count && !SeparatedByPunctuation(folded, tokens, last, last + 1) ? FeatureAt(tokens, last + 1) : null;
        return (last, feature);
    }

    private string? FeatureAt(List<Token> tokens, int index) =>
        lexicon.Cues.LongestAt(tokens, index, value => value.Kind == "feature-after")?.Value.Value;

    /// <summary>A capitalised word, or articles and particles ("al", "ibn al") written before one.</summary>
    private static bool StartsName(FoldedText folded, List<Token> tokens, int index)
    {
        for (var i = index; i < tokens.Count && i <= index + 2; i++)
        {
            if (IsCapitalised(folded, tokens[i]))
            {
                return true;
            }
            if (!IsParticle(tokens[i].Text) || i + 1 >= tokens.Count || SeparatedByPunctuation(folded, tokens, i, i + 1))
            {
                return false;
            }
        }
        return false;
    }

    private static bool ContinuesLatinName(FoldedText folded, List<Token> tokens, int index) =>
        !Tokenizer.IsArabic(tokens[index].Text) && StartsName(folded, tokens, index);

    private static bool IsCapitalised(FoldedText folded, Token token) => char.IsUpper(folded.Original[folded.ToOriginal(token.Start)]);

    // Latin articles of transliterated Arabic names and the particles of personal-name-like place names.
    private static bool IsParticle(string word) =>
        word is "al" or "el" or "ad" or "ar" or "as" or "ash" or "at" or "az" or "ed" or "er" or "es" or "et" or "ez" or "an" or "en"
            or "bin" or "ibn" or "bani" or "beni" or "abu" or "umm" or "um" or "om";

    /// <summary>Where the second name of "between X and Y" starts: the "and", or the Arabic word carrying و.</summary>
    private static int? BetweenSecond(FoldedText folded, List<Token> tokens, int first, int last)
    {
        for (var i = first + 1; i < tokens.Count && i <= Math.Max(last, first + 3) && !SeparatedByPunctuation(folded, tokens, i - 1, i); i++)
        {
            if (tokens[i].Text == "and" || Tokenizer.IsArabic(tokens[i].Text) && tokens[i].Text.Length > 2 && tokens[i].Text[0] == 'و')
            {
                return i;
            }
        }
        return null;
    }

    private bool IsCue(List<Token> tokens, int index, string kind) =>
        lexicon.Cues.AnyAt(tokens, index, value => value.Kind == kind);

    // The cue kinds that end a name; with them, for a word that may start one, feature words and words to skip.
    private static bool EndsName((string Kind, string Value) cue) => cue.Kind is "place" or "date" or "weekday" or "source" or "modality"
        or "direction" or "stop" or "killed" or "arrested" or "number" or "month" or "eventive" or "victim" or "not-place" or "organisation"
        or "country" or "combatant";

    private static readonly Func<(string Kind, string Value), bool> EndsNameCue = EndsName;
    private static readonly Func<(string Kind, string Value), bool> EndsNameOrFeatureCue = cue => EndsName(cue) || cue.Kind == "feature-after";
    private static readonly Func<(string Kind, string Value), bool> StartsNoNameCue = cue => EndsName(cue) || cue.Kind is "feature-after" or "skip";

    /// <summary>
    /// A word of the lexicons starts at <paramref name="index"/>: a cue of the kinds <paramref name="cueKinds"/> accepts
    /// (by default those that end a name), a trigger or an actor; one lookup per lexicon for the tests a word must pass.
    /// </summary>
    private bool IsAnyCue(List<Token> tokens, int index, Func<(string Kind, string Value), bool>? cueKinds = null) =>
        lexicon.Cues.AnyAt(tokens, index, cueKinds ?? EndsNameCue)
        || lexicon.Triggers.AnyAt(tokens, index) || lexicon.Actors.AnyAt(tokens, index);

    public static bool SeparatedByPunctuation(FoldedText folded, List<Token> tokens, int left, int right)
    {
        for (var i = tokens[left].End; i < tokens[right].Start; i++)
        {
            if (folded.Folded[i] is ',' or '،' or '.' or ';' or '؛' or ':' or '(' or ')' or '"' or '\n' or '«' or '»')
            {
                return true;
            }
        }
        return false;
    }

    private static string OriginalText(FoldedText folded, List<Token> tokens, int first, int last)
    {
        var (start, length) = folded.ToOriginalSpan(tokens[first].Start, tokens[last].End);
        return folded.Original.Substring(start, length);
    }
}
