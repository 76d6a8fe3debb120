using Platform.Text;

namespace Platform.Geocoding.Engine;

/// <summary>A place as the extractor found it.</summary>
public sealed record PlaceQuery(string Name, string Relation, IReadOnlyList<string> Hints);

/// <param name="Precision">1 = the place itself, 2 = near it or its countryside, 3 = only a region.</param>
public sealed record GeocodeResult(
    GazetteerPlace Place,
    int Precision,
    string MatchedText,
    double Confidence,
    string? Admin1Name,
    string? Admin2Name,
    IReadOnlyList<GazetteerPlace> RunnersUp);

/// <summary>
/// Resolves an incident's place mentions to one gazetteer place: the first mention (in the extractor's order)
/// that names a known place, its longest known name prefix, ranked by hints, feature type and population.
/// A mention that names no known place but a known hint ("an unknown village near Qamishli") resolves to the
/// hint with precision 2.
/// </summary>
public sealed class Geocoder(Gazetteer gazetteer)
{
    public const string Version = "geocoding-0.1.0";

    // Feature words that begin many names (ruin, hill, spring, cape, mountain, valley, well, monastery, village,
    // mother/father of): alone they name some place somewhere, which is almost never the one meant.
    private static readonly HashSet<string> GenericNameWords = new(StringComparer.Ordinal)
    {
        "خربه", "تل", "عين", "راس", "جبل", "وادي", "بير", "دير", "كفر", "ام", "ابو", "قريه", "حي", "مزرعه",
        "khirbet", "khirbat", "tell", "tall", "tel", "tal", "ain", "ayn", "ras", "jabal", "jebel", "wadi", "bir", "deir",
        "dayr", "dair", "kafr", "umm", "abu", "hay",
    };

    // The same written form, article included, outweighs a larger town that shares the bare name.
    private const double ExactNameBonus = 3;

    // Names shared across borders (Sinjar, Hawija) go to the country the rest of the article is about.
    private const double FocusCountryBonus = 2;

    /// <summary>
    /// Resolves every incident of one article. The article's country focus (the country of the places it names
    /// that are not ambiguous across countries) settles names shared across borders.
    /// </summary>
    public IReadOnlyList<GeocodeResult?> ResolveArticle(IReadOnlyList<IReadOnlyList<PlaceQuery>> incidents)
    {
        ArgumentNullException.ThrowIfNull(incidents);
        var focus = CountryFocus(incidents.SelectMany(mentions => mentions));
        return incidents.Select(mentions => Resolve(mentions, focus)).ToList();
    }

    /// <summary>The country most of the article's unambiguous place names lie in; null when none or tied.</summary>
    public string? CountryFocus(IEnumerable<PlaceQuery> mentions)
    {
        var votes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var name in mentions.SelectMany(m => m.Hints.Prepend(m.Name)))
        {
            var countries = LongestKnownPrefix(name)?.Candidates.Select(c => c.Place.CountryCode).Distinct().ToList();
            if (countries is [var country])
            {
                votes[country] = votes.GetValueOrDefault(country) + 1;
            }
        }
        var ranked = votes.OrderByDescending(v => v.Value).ToList();
        return ranked.Count == 0 || ranked.Count > 1 && ranked[0].Value == ranked[1].Value ? null : ranked[0].Key;
    }

    public GeocodeResult? Resolve(IReadOnlyList<PlaceQuery> mentions, string? focusCountry = null)
    {
        ArgumentNullException.ThrowIfNull(mentions);
        for (var i = 0; i < mentions.Count; i++)
        {
            var mention = mentions[i];
            // The incident's other places are hints too: "قرية X بريف إدلب" names X and, as its countryside, Idlib.
            var key = Gazetteer.NameKey(mention.Name);
            var hints = mention.Hints.Concat(mentions.Where((_, j) => j != i).Select(m => m.Name))
                .Where(hint => Gazetteer.NameKey(hint) != key)
                .ToList();
            if (ResolveName(mention.Name, hints, focusCountry) is { } found)
            {
                var precision = mention.Relation == "in"
                    ? found.Place.FeatureClass == "A" ? 3 : 1
                    : 2;
                return Build(found.Place, precision, found.Matched, found.Confidence, found.RunnersUp);
            }
        }
        foreach (var mention in mentions)
        {
            foreach (var hint in mention.Hints)
            {
                if (ResolveName(hint, [], focusCountry) is { } found)
                {
                    return Build(found.Place, 2, found.Matched, found.Confidence * 0.8, found.RunnersUp);
                }
            }
        }
        return null;
    }

    private GeocodeResult Build(GazetteerPlace place, int precision, string matched, double confidence, IReadOnlyList<GazetteerPlace> runnersUp) =>
        new(place, precision, matched, confidence, gazetteer.Admin1Name(place), gazetteer.Admin2Name(place), runnersUp);

    private sealed record Found(GazetteerPlace Place, string Matched, double Confidence, IReadOnlyList<GazetteerPlace> RunnersUp);

    private sealed record Prefix(string Text, IReadOnlyList<(GazetteerPlace Place, bool Exact)> Candidates);

    /// <summary>The longest prefix of <paramref name="name"/> that names a known place: "رأس العين" is not "رأس".</summary>
    private Prefix? LongestKnownPrefix(string name)
    {
        var tokens = Tokenizer.Tokenize(TextFolding.Fold(name)).Select(t => t.Text).ToList();
        if (KnownPrefix(tokens) is { } found)
        {
            return found;
        }
        // "وحلب", "بسراقب", "للرقة": a conjunction or preposition glued to the name, peeled only when what remains is
        // a known name (so "بنش" stays Binnish and is never read as ب + نش). One level only: no recursion.
        if (tokens.Count > 0 && Tokenizer.IsArabic(tokens[0]))
        {
            foreach (var peeled in Tokenizer.ArabicStems(tokens[0]).Skip(1).Distinct(StringComparer.Ordinal))
            {
                if (KnownPrefix([peeled, .. tokens.Skip(1)]) is { } peeledFound)
                {
                    return peeledFound;
                }
            }
        }
        return null;
    }

    /// <summary>
    /// Longest prefix first; at each length the spelling, then ("Dayr az Zawr" for "Deir ez-Zor") the consonant
    /// skeleton of a town's other transliterations. A prefix ending in an article, or a generic first word standing
    /// alone for a longer name, is never tried.
    /// </summary>
    private Prefix? KnownPrefix(List<string> tokens)
    {
        for (var length = tokens.Count; length >= 1; length--)
        {
            var prefix = string.Join(' ', tokens.Take(length));
            var last = tokens[length - 1];
            if (length < tokens.Count && Gazetteer.IsArticle(last))
            {
                continue;
            }
            // "خربة عمو" is not "خربة": a generic first word of a longer name never stands for the whole.
            if (length == 1 && tokens.Count > 1 && GenericNameWords.Contains(Tokenizer.StripArticle(prefix)))
            {
                return null;
            }
            var candidates = gazetteer.FindWithExactness(prefix);
            if (candidates.Count > 0)
            {
                return new Prefix(prefix, candidates);
            }
            var variants = gazetteer.FindBySkeleton(prefix);
            if (variants.Count > 0)
            {
                return new Prefix(prefix, variants.Select(place => (place, false)).ToList());
            }
        }
        return null;
    }

    private Found? ResolveName(string name, IReadOnlyList<string> hints, string? focusCountry)
    {
        if (LongestKnownPrefix(name) is not { } prefix)
        {
            return null;
        }
        var hintPlaces = hints.SelectMany(gazetteer.Find).ToList();
        var ranked = prefix.Candidates
            .Select(c => (candidate: c.Place, score: Score(c.Place, hintPlaces) + (c.Exact ? ExactNameBonus : 0)
                + (c.Place.CountryCode == focusCountry ? FocusCountryBonus : 0)))
            .OrderByDescending(x => x.score)
            .ThenBy(x => x.candidate.GeonameId)
            .ToList();
        var best = ranked[0];
        var confidence = ranked.Count == 1 ? 0.9 : Math.Clamp(0.5 + (best.score - ranked[1].score) / 10, 0.3, 0.9);
        return new Found(best.candidate, prefix.Text, confidence, ranked.Skip(1).Take(3).Select(x => x.candidate).ToList());
    }

    private static double Score(GazetteerPlace candidate, List<GazetteerPlace> hintPlaces)
    {
        var score = candidate.FeatureClass == "P" ? 2.0 : 1.0;
        score += candidate.FeatureCode switch
        {
            "PPLC" => 3,
            "PPLA" => 2,
            "PPLA2" => 1.5,
            "PPLA3" => 1,
            _ => 0,
        };
        score += Math.Log10(1 + candidate.Population) / 2;
        // A hint is a place near or around the candidate, never the candidate itself.
        foreach (var hint in hintPlaces.Where(h => h.GeonameId != candidate.GeonameId))
        {
            if (hint.CountryCode == candidate.CountryCode)
            {
                score += 1;
                if (hint.Admin1Code.Length > 0 && hint.Admin1Code == candidate.Admin1Code)
                {
                    score += 3;
                }
            }
        }
        return score;
    }
}
