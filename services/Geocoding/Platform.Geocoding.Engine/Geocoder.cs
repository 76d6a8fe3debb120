using Platform.Text;

namespace Platform.Geocoding.Engine;

/// <summary>A place as the extractor found it.</summary>
/// <param name="Relation">
/// How the event relates to the name: in, near, north-of (and the other directions), countryside-of, between, area (a
/// neighbourhood, front or facility of the place), region (a district or governorate), or mention: a run of words no
/// cue introduced, in which the geocoder looks for names its gazetteer knows.
/// </param>
public sealed record PlaceQuery(string Name, string Relation, IReadOnlyList<string> Hints);

/// <param name="Precision">1 = the place itself, 2 = near it or its countryside, 3 = only a region.</param>
/// <param name="Mention">The mention (as written) that chose the place.</param>
/// <param name="Rule">The rule that chose it: how the name matched, and whether the place is the mention's or a fallback to a containing area.</param>
/// <param name="NamesGovernorate">The mention names a governorate: only a region was found, or the place is the city that shares
/// its governorate's name ("Deir ez-Zor", "الحسكة").</param>
public sealed record GeocodeResult(
    GazetteerPlace Place,
    int Precision,
    string MatchedText,
    double Confidence,
    string? Admin1Name,
    string? Admin2Name,
    IReadOnlyList<GazetteerPlace> RunnersUp,
    string Mention = "",
    string Rule = "",
    bool NamesGovernorate = false);

/// <summary>
/// Resolves an incident's place mentions to one gazetteer place, as an analyst would:
/// <list type="number">
/// <item>each mention is matched against the gazetteer (a cued name by its longest known prefix; a free mention by every
/// known name inside it), exactly or, with evidence, by transliteration skeleton;</item>
/// <item>homonyms are ranked by the article's country focus, the incident's other places (same governorate, near),
/// the exact written form, feature type and population;</item>
/// <item>the place is the first mention that names a place itself; governorates, countrysides and cities that contain
/// another mentioned place are containment hints. Only when no mention names a known place does the incident fall back to
/// a containing area: precision 2 for a countryside, a neighbourhood or facility the gazetteer lacks, or a place near a
/// known one; precision 3 for a district or governorate.</item>
/// </list>
/// Fuzzy matches (a transliteration skeleton, a shorter prefix of the name) never cross a border without evidence: the
/// place must lie in a country the article is about or names, or near another place of the incident.
/// </summary>
/// <param name="defaultFocus">
/// The country an article is taken to be about when nothing in it says (ISO code; none by default): the deployment's
/// region, a prior that any place or country the article names overrides.
/// </param>
public sealed class Geocoder(Gazetteer gazetteer, string? defaultFocus = null)
{
    public const string Version = "geocoding-0.5.1";

    // Feature words that begin many names (ruin, hill, spring, cape, mountain, valley, well, monastery, village,
    // mother/father of): alone they name some place somewhere, which is almost never the one meant.
    private static readonly HashSet<string> GenericNameWords = new(StringComparer.Ordinal)
    {
        "خربه", "تل", "عين", "راس", "جبل", "وادي", "بير", "دير", "كفر", "ام", "ابو", "قريه", "حي", "مزرعه", "بني", "بيت", "سوق", "مدينه",
        "khirbet", "khirbat", "tell", "tall", "tel", "tal", "til", "ain", "ayn", "ein", "ras", "jabal", "jebel", "wadi", "bir", "deir",
        "dayr", "dair", "kafr", "kfar", "umm", "abu", "hay", "bani", "beni", "beit", "bayt", "souq", "suq", "tir", "jisr", "sadd", "jsr", "سد", "جسر", "sheikh", "shaykh", "shaikh", "sheik", "شيخ",
    };

    // The same written form, article included, outweighs a larger town that shares the bare name.
    private const double ExactNameBonus = 3;

    // Names shared across borders (Sinjar, Hawija) go to the country the rest of the article is about.
    private const double FocusCountryBonus = 2;

    // A candidate this close to a place the incident also names is the one meant ("Jellin in western Daraa").
    private const double NearHintKm = 40;
    private const double NearHintBonus = 3;

    // A place big enough to be news anywhere may be named without the article being about its country.
    private const long NotablePopulation = 50_000;

    // Free mentions scan names of up to this many words.
    private const int MaxNameWords = 4;

    /// <summary>
    /// Resolves every incident of one article. The article's country focus (the country of the places it names that
    /// are not ambiguous across countries) settles names shared across borders and is the evidence fuzzy matches need.
    /// </summary>
    public IReadOnlyList<GeocodeResult?> ResolveArticle(IReadOnlyList<IReadOnlyList<PlaceQuery>> incidents)
    {
        ArgumentNullException.ThrowIfNull(incidents);
        var context = ArticleContext(incidents.SelectMany(mentions => mentions));
        return incidents.Select(mentions => Resolve(mentions, context)).ToList();
    }

    /// <summary>
    /// The country most of the article's unambiguous place names lie in; the default focus when there are none (or it is
    /// among the tied); null when tied otherwise.
    /// </summary>
    public string? CountryFocus(IEnumerable<PlaceQuery> mentions) => ArticleContext(mentions).Focus;

    // A place the article names says where it is twice as loudly as a country it names.
    private const int PlaceVote = 2;

    /// <summary>What the whole article says about where it is: the focus country and every country it names.</summary>
    private sealed record Context(string? Focus, IReadOnlySet<string> Countries)
    {
        public bool Allows(GazetteerPlace place) => Countries.Count == 0 || Countries.Contains(place.CountryCode);

        /// <summary>The known names of each free mention, scanned once per article (focus and every incident use them).</summary>
        public Dictionary<string, List<Prefix>> FreeNames { get; init; } = new(StringComparer.Ordinal);
    }

    private List<Prefix> KnownNames(string text, Context context)
    {
        if (!context.FreeNames.TryGetValue(text, out var names))
        {
            context.FreeNames[text] = names = KnownNames(text);
        }
        return names;
    }

    private Context ArticleContext(IEnumerable<PlaceQuery> mentions)
    {
        var scanned = new Context(null, new HashSet<string>(StringComparer.Ordinal));
        var votes = new Dictionary<string, int>(StringComparer.Ordinal);
        var named = new HashSet<string>(StringComparer.Ordinal);
        var placeVotes = new List<(string Country, bool Notable)>();
        // The article's countries and setting travel with every incident: count each mention once.
        foreach (var any in mentions.DistinctBy(m => (m.Relation, m.Name, string.Join('|', m.Hints))))
        {
            var mention = any.Relation.StartsWith(ArticlePrefix, StringComparison.Ordinal) ? any with { Relation = any.Relation[ArticlePrefix.Length..] } : any;
            if (mention.Relation == CountryMention)
            {
                // "Syrian forces", "العراقية": the country the text speaks of, said outright.
                // A country the gazetteer does not hold ("Russian forces") is named but cannot be where places are sought.
                foreach (var code in mention.Hints.Take(1).Where(gazetteer.HasCountry))
                {
                    named.Add(code);
                    votes[code] = votes.GetValueOrDefault(code) + 1;
                }
                continue;
            }
            // A single Arabic word found in running text is too weak to say what the article is about, unless it is the
            // written name of a city or seat (بغداد).
            var names = mention.Relation == FreeMention
                ? KnownNames(mention.Name, scanned).Where(n => !n.Fuzzy && (!Tokenizer.IsArabic(n.Text) || n.Text.Contains(' ', StringComparison.Ordinal)
                    || n.Candidates.Any(c => c.Exact && IsNotable(c.Place)))).Select(n => n.Candidates)
                : mention.Hints.Prepend(mention.Name).Select(name => LongestKnownPrefix(name) is { Fuzzy: false } prefix ? prefix.Candidates : null);
            foreach (var candidates in names)
            {
                if (candidates is null)
                {
                    continue;
                }
                if (candidates.Select(c => c.Place).FirstOrDefault(IsCountry) is { } country)
                {
                    // A country named outright: the article speaks of it, but less loudly than of one of its towns (foreign
                    // forces are named by their country wherever they fight).
                    named.Add(country.CountryCode);
                    votes[country.CountryCode] = votes.GetValueOrDefault(country.CountryCode) + 1;
                    continue;
                }
                var countries = candidates.Select(c => c.Place.CountryCode).Distinct().ToList();
                if (countries is [var only])
                {
                    placeVotes.Add((only, candidates.Any(c => IsNotable(c.Place))));
                }
                else if (candidates.Where(c => IsNotable(c.Place)).Select(c => c.Place.CountryCode).Distinct().ToList() is [var prominent])
                {
                    // "Hama" is a governorate seat in Syria and a hamlet in Iraq: the article speaks of the seat.
                    placeVotes.Add((prominent, true));
                }
            }
        }
        // A hamlet abroad that happens to share a name ("Golan", an alternate name of an Iraqi village; "Paris", of a
        // Turkish one) does not take the article away from its region: outside the default country and the countries the
        // text names, only a notable place (a city, a seat, a governorate: Ramadi, Anbar) votes.
        foreach (var (country, notable) in placeVotes.Where(v => v.Notable || v.Country == defaultFocus || named.Contains(v.Country) || defaultFocus is null))
        {
            votes[country] = votes.GetValueOrDefault(country) + PlaceVote;
        }
        // The deployment's region is a prior worth one named country: "pro-Turkey factions in Ras al-Ain" stays in Syria.
        if (defaultFocus is not null)
        {
            votes[defaultFocus] = votes.GetValueOrDefault(defaultFocus) + 1;
        }
        var ranked = votes.OrderByDescending(v => v.Value).ToList();
        // A tie goes to the deployment's default country when it is among the tied.
        var focus = ranked.Count == 0 ? defaultFocus
            : ranked.Count > 1 && ranked[0].Value == ranked[1].Value
                ? ranked.TakeWhile(v => v.Value == ranked[0].Value).Any(v => v.Key == defaultFocus) ? defaultFocus : null
            : ranked[0].Key;
        if (focus is not null)
        {
            named.Add(focus);
        }
        return new Context(focus, named) { FreeNames = scanned.FreeNames };
    }

    public GeocodeResult? Resolve(IReadOnlyList<PlaceQuery> mentions, string? focusCountry = null)
    {
        ArgumentNullException.ThrowIfNull(mentions);
        var context = focusCountry is null ? ArticleContext(mentions) : new Context(focusCountry, new HashSet<string>(StringComparer.Ordinal) { focusCountry });
        return Resolve(mentions, context);
    }

    /// <summary>The relation of a free mention (see <see cref="PlaceQuery"/>).</summary>
    public const string FreeMention = "mention";

    /// <summary>The relation of a country the text names, its ISO code the first hint: focus evidence, never a place.</summary>
    public const string CountryMention = "country";

    /// <summary>A mention matched to a place.</summary>
    private sealed record Resolution(int Order, PlaceQuery Mention, Found Found);

    /// <summary>The prefix of a mention from the article's headline or lead: its setting, not the incident's own place.</summary>
    public const string ArticlePrefix = "article:";

    private GeocodeResult? Resolve(IReadOnlyList<PlaceQuery> mentions, Context context)
    {
        var own = mentions.Where(m => !m.Relation.StartsWith(ArticlePrefix, StringComparison.Ordinal)).ToList();
        if (ResolveOwn(own, context) is { } result)
        {
            return result;
        }
        // The incident's sentence names no known place: the place the headline or lead gives, near which it happened.
        var setting = mentions.Where(m => m.Relation.StartsWith(ArticlePrefix, StringComparison.Ordinal))
            .Select(m => m with { Relation = m.Relation[ArticlePrefix.Length..] })
            .ToList();
        if (setting.Count == 0 || ResolveOwn(setting, context) is not { } article)
        {
            return null;
        }
        return article with
        {
            Precision = Math.Max(2, article.Precision),
            Confidence = article.Confidence * 0.6,
            Rule = $"fallback:article {article.Rule}",
        };
    }

    private GeocodeResult? ResolveOwn(IReadOnlyList<PlaceQuery> mentions, Context context)
    {
        var resolved = new List<Resolution>();
        var unresolvedCued = new List<(int Order, PlaceQuery Mention)>();
        // Each mention's name key, computed once: every mention is a hint of every other.
        var keys = mentions.Select(m => m.Relation == CountryMention ? "" : Gazetteer.NameKey(m.Name)).ToArray();
        for (var i = 0; i < mentions.Count; i++)
        {
            var mention = mentions[i];
            if (mention.Relation == CountryMention)
            {
                continue;
            }
            // The incident's other places are hints too: "قرية X بريف إدلب" names X and, as its countryside, Idlib.
            var key = keys[i];
            var hints = new List<string>(mention.Hints.Count + mentions.Count);
            foreach (var hint in mention.Hints)
            {
                if (Gazetteer.NameKey(hint) != key)
                {
                    hints.Add(hint);
                }
            }
            for (var j = 0; j < mentions.Count; j++)
            {
                if (j != i && mentions[j].Relation != CountryMention && keys[j] != key)
                {
                    hints.Add(mentions[j].Name);
                }
            }
            if (mention.Relation == FreeMention)
            {
                foreach (var name in KnownNames(mention.Name, context))
                {
                    if (Rank(name, hints, context, free: true) is { } found)
                    {
                        resolved.Add(new Resolution(i, mention with { Name = name.Text }, found));
                    }
                }
            }
            else if (LongestKnownPrefix(mention.Name) is { } prefix && ResolveCued(prefix, hints, context) is { } found)
            {
                resolved.Add(new Resolution(i, mention, found));
            }
            else
            {
                unresolvedCued.Add((i, mention));
            }
        }
        if (resolved.Count == 0)
        {
            return HintFallback(mentions, context);
        }
        // The place the event happened at: the first mention that names a place itself, not a container of another.
        // When every place lies far from the others, the largest name the text ties to the event by a cue ("in the town
        // of Kawkab") is the one the others are read against, before any free mention ("Ajnad al-Sham" is a group).
        // An isolated name beside a container the text gives ("Saida in the countryside of Ein Issa", with no Saida near
        // Ein Issa) is a place the gazetteer lacks there: the container is the answer, unless the name is the only seat of
        // its spelling (the note's governorate is then the error).
        var hasContainer = resolved.Any(r => IsContainer(r, resolved) && r.Mention.Relation is not FreeMention);
        var specific = resolved.FirstOrDefault(r => !IsContainer(r, resolved) && !IsIsolated(r, resolved))
            ?? resolved.FirstOrDefault(r => !IsContainer(r, resolved) && r.Mention.Relation is not FreeMention && IsUniqueSeat(r))
            ?? (hasContainer ? null : resolved.Where(r => !IsContainer(r, resolved))
                .OrderByDescending(r => r.Found.Place.Population).ThenBy(r => r.Order).FirstOrDefault());
        if (specific is null && hasContainer)
        {
            unresolvedCued.AddRange(resolved.Where(r => !IsContainer(r, resolved) && r.Mention.Relation is not FreeMention).Select(r => (r.Order, r.Mention)));
            resolved.RemoveAll(r => !IsContainer(r, resolved));
        }
        // A cued name before the chosen one that is unknown, or known only far away, is where the event is inside it.
        var unknownFirst = specific is null ? null
            : unresolvedCued.FirstOrDefault(u => u.Order < specific.Order && u.Mention.Relation != "between").Mention;
        // A name known only far away is a part of the chosen place the gazetteer lacks (a neighbourhood): its town.
        var farFirst = specific is null || unknownFirst is not null ? null
            : resolved.FirstOrDefault(r => r.Order < specific.Order && r.Mention.Relation is not (FreeMention or "between") && IsIsolated(r, resolved));
        if (farFirst is not null && specific!.Mention.Relation is "in" or FreeMention)
        {
            return Build(specific.Found, 2, specific.Mention.Name, $"fallback:place of far \"{farFirst.Mention.Name}\" {specific.Found.How}");
        }
        if (specific is not null && unknownFirst is not null && specific.Mention.Relation is "in" or FreeMention)
        {
            // An unknown place named before: the known one is where it lies, not the place itself. A neighbourhood, front or
            // facility ("Ghwayran prison in Hasakah") is its town with precision 2; an unknown village in a place that
            // shares its governorate's name ("Zzyzx village in Idleb") is the governorate.
            if (unknownFirst.Relation is not ("area" or "near") && specific.Found.NamesGovernorate && Governorate(specific.Found) is { } region)
            {
                return Build(region, 3, specific.Mention.Name, $"fallback:governorate of unknown \"{unknownFirst.Name}\" {specific.Found.How}");
            }
            return Build(specific.Found, 2, specific.Mention.Name, $"fallback:place of unknown \"{unknownFirst.Name}\" {specific.Found.How}");
        }
        if (specific is not null)
        {
            var precision = specific.Mention.Relation switch
            {
                // Admin areas are containers, never the specific place.
                "in" or FreeMention => 1,
                _ => 2,
            };
            var rule = $"{(specific.Mention.Relation == FreeMention ? "mention" : "cue:" + specific.Mention.Relation)} {specific.Found.How}";
            return Build(specific.Found, precision, specific.Mention.Name, rule);
        }
        // Every known place contains or surrounds the event: the most specific of them, with the precision it allows.
        // "Sharan district in Aleppo countryside": a district seat or town before a governorate's namesake city, and both
        // before an admin area.
        var container = resolved
            .OrderBy(r => r.Found.Place.FeatureClass == "A" ? 1 : 0)
            .ThenBy(r => r.Found.NamesGovernorate ? 1 : 0)
            .ThenBy(r => r.Mention.Relation is "countryside-of" or "near" or "area" ? 0 : 1)
            .ThenBy(r => r.Order)
            .First();
        var unknownBefore = unresolvedCued.Any(u => u.Order < container.Order);
        if (container.Found.Place.FeatureClass == "A")
        {
            return Build(container.Found, 3, container.Mention.Name, $"fallback:region {container.Found.How}");
        }
        if (container.Mention.Relation == "region")
        {
            // "Idlib province" is the governorate; "Duma district" is the district of its seat, Duma, precision 2.
            return container.Found.NamesGovernorate && Governorate(container.Found) is { } province
                ? Build(province, 3, container.Mention.Name, $"fallback:region {container.Found.How}")
                : Build(container.Found, 2, container.Mention.Name, $"fallback:district seat {container.Found.How}");
        }
        if (container.Mention.Relation == "in" && unknownBefore && container.Found.NamesGovernorate && Governorate(container.Found) is { } governorate)
        {
            // "Ftireh front in Idleb" with Ftireh unknown: Idleb is the governorate that contains it.
            return Build(governorate, 3, container.Mention.Name, $"fallback:governorate {container.Found.How}");
        }
        return Build(container.Found, 2, container.Mention.Name, $"fallback:{container.Mention.Relation} {container.Found.How}");
    }

    /// <summary>
    /// A place that contains or surrounds the event rather than being its place: a governorate or district, any
    /// countryside or region mention, and a city that contains another place the incident names ("in Afrin city" after
    /// "in Al-Ashrafiyah neighbourhood" is still the neighbourhood's).
    /// </summary>
    private static bool IsContainer(Resolution r, List<Resolution> all)
    {
        if (r.Mention.Relation is "countryside-of" or "region" || r.Found.Place.FeatureClass == "A")
        {
            return true;
        }
        // "the countryside of Ma'arrat an-Nu'man in Idleb": a governorate's namesake city contains any other place of the
        // governorate the incident names, its countryside included.
        return all.Any(other => !ReferenceEquals(other, r) && other.Found.Place.GeonameId != r.Found.Place.GeonameId
            && other.Found.Place.FeatureClass == "P"
            && other.Found.Place.CountryCode == r.Found.Place.CountryCode && other.Found.Place.Admin1Code == r.Found.Place.Admin1Code
            && (r.Found.NamesGovernorate && !other.Found.NamesGovernorate
                || other.Mention.Relation is not ("countryside-of" or "region") && 
                r.Order > other.Order && r.Found.Place.Population >= ContainingCityPopulation && r.Found.Place.Population > 10 * other.Found.Place.Population));
    }

    /// <summary>
    /// A homonym far from every other place the incident names, with nothing tying it to them ("المثنى" in Mosul is a
    /// neighbourhood, not the Iraqi governorate of that name 350 km south): another mention is the better guess.
    /// </summary>
    private static bool IsIsolated(Resolution r, List<Resolution> all) =>
        !r.Found.Supported && all.Count > 1
        && all.Where(o => !ReferenceEquals(o, r)).All(o => Km(o.Found.Place, r.Found.Place) > IsolatedKm);

    private const double IsolatedKm = 100;

    private static bool IsUniqueSeat(Resolution r) =>
        r.Found.How is "exact" or "spelling" && r.Found.RunnersUp.Count == 0 && r.Found.Place.FeatureCode.StartsWith("PPLA", StringComparison.Ordinal);

    // "X in Y" where Y is a city ten times X's size: Y is where X is, not a second place. (GeoNames' feature codes do not
    // tell: Raqqa and Idlib are plain PPL rows, Ein Issa is a PPLA3.)
    private const long ContainingCityPopulation = 100_000;

    /// <summary>The governorate (ADM1) a place lies in, as a place of its own (its centroid).</summary>
    private Found? Governorate(Found found) =>
        gazetteer.Admin1Feature(found.Place) is { } admin1
            ? found with { Place = admin1, How = found.How + ", its governorate" }
            : null;

    /// <summary>No mention names a known place, but a hint does ("an unknown village near Qamishli"): near the hint.</summary>
    private GeocodeResult? HintFallback(IReadOnlyList<PlaceQuery> mentions, Context context)
    {
        foreach (var mention in mentions.Where(m => m.Relation != CountryMention))
        {
            foreach (var hint in mention.Hints)
            {
                if (LongestKnownPrefix(hint) is { } prefix && Rank(prefix, [], context, free: false) is { } found)
                {
                    return Build(found with { Confidence = found.Confidence * 0.8 }, 2, hint, $"fallback:hint {found.How}");
                }
            }
        }
        return null;
    }

    private GeocodeResult Build(Found found, int precision, string mention, string rule)
    {
        // One town, one id, whichever of its rows the spelling matched.
        var place = gazetteer.Canonical(found.Place);
        var runnersUp = place == found.Place ? found.RunnersUp : found.RunnersUp.Where(p => p.GeonameId != place.GeonameId).ToList();
        return new(place, precision, found.Matched, found.Confidence, gazetteer.Admin1Name(place), gazetteer.Admin2Name(place),
            runnersUp, mention, place == found.Place ? rule : $"{rule}; row {found.Place.GeonameId} is a twin of {place.GeonameId}",
            precision == 3 || found.NamesGovernorate || place.FeatureCode == "ADM1");
    }

    /// <param name="NamesGovernorate">The name is also that of the governorate the place lies in ("Idlib", "Raqqa").</param>
    /// <param name="Supported">The place lies in the governorate of, or near, another place the incident names.</param>
    private sealed record Found(GazetteerPlace Place, string Matched, double Confidence, IReadOnlyList<GazetteerPlace> RunnersUp, string How,
        bool NamesGovernorate = false, bool Supported = false);

    /// <param name="Fuzzy">Matched by transliteration skeleton, or by a prefix shorter than the mention.</param>
    private sealed record Prefix(string Text, IReadOnlyList<(GazetteerPlace Place, bool Exact)> Candidates, bool Fuzzy, string How);

    /// <summary>The longest prefix of <paramref name="name"/> that names a known place: "رأس العين" is not "رأس".</summary>
    private Prefix? LongestKnownPrefix(string name)
    {
        var tokens = Tokenizer.Tokenize(TextFolding.Fold(name)).Select(t => t.Text).ToList();
        // "an", "al", "Um": a Latin name of fewer than three letters names too many places to name any.
        if (tokens.Count == 0 || !Tokenizer.IsArabic(tokens[0]) && Gazetteer.NameKey(name).Length < 3)
        {
            return null;
        }
        if (Qualified(tokens) is { } qualifiedName)
        {
            // "Upper Baguz" is Baghuz Fawqani, "Big Khwein" Khuwayn al Kabir: the English qualifier is the Arabic one after
            // the name. The name alone is not tried: Lower and Upper Amiqa are two villages.
            return KnownPrefix(qualifiedName);
        }
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

    // English qualifiers of a village name and the Arabic word that follows the name in the gazetteer.
    private static readonly Dictionary<string, string> Qualifiers = new(StringComparer.Ordinal)
    {
        ["upper"] = "fawqani", ["lower"] = "tahtani", ["eastern"] = "sharqi", ["western"] = "gharbi", ["northern"] = "shamali",
        ["southern"] = "janubi", ["big"] = "kabir", ["great"] = "kabir", ["greater"] = "kabir", ["small"] = "saghir", ["little"] = "saghir",
    };

    /// <summary>"Upper Baguz" as the gazetteer writes it ("baguz fawqani"), or null for a name without an English qualifier.</summary>
    private static List<string>? Qualified(List<string> tokens) =>
        tokens.Count > 1 && !Tokenizer.IsArabic(tokens[0]) && Qualifiers.TryGetValue(tokens[0].ToLowerInvariant(), out var arabic)
            ? [.. tokens.Skip(1), arabic]
            : null;

    /// <summary>
    /// Longest prefix first; at each length the spelling, the spelling without a possessive "s" ("Syrias", "Aleppos"
    /// once apostrophes are folded away), then ("Dayr az Zawr" for "Deir ez-Zor") the consonant skeleton of the place's
    /// other transliterations. A prefix ending in an article, or a generic first word standing alone for a longer name,
    /// is never tried.
    /// </summary>
    private Prefix? KnownPrefix(List<string> tokens)
    {
        // No prefix longer than the gazetteer's longest name (each word with an article before it) can match; trying every
        // length of a long mention made it quadratic (a cued mention of 100,000 words took minutes).
        for (var length = Math.Min(tokens.Count, 2 * gazetteer.LongestNameWords + 1); length >= 1; length--)
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
            var shortened = length < tokens.Count;
            if (Match(prefix, shortened) is { } match)
            {
                return match;
            }
        }
        return null;
    }

    /// <summary>A whole name matched exactly, as a possessive, or by skeleton.</summary>
    private Prefix? Match(string name, bool shortened)
    {
        var candidates = gazetteer.FindWithExactness(name);
        if (candidates.Count > 0)
        {
            return new Prefix(name, candidates, shortened, shortened ? "prefix" : "exact");
        }
        if (name.Length > 4 && name[^1] == 's' && !Tokenizer.IsArabic(name) && name[^2] is not 's')
        {
            var possessive = gazetteer.FindWithExactness(name[..^1]);
            if (possessive.Count > 0)
            {
                return new Prefix(name[..^1], possessive, shortened, shortened ? "prefix, possessive" : "possessive");
            }
        }
        return Variants(name, shortened);
    }

    /// <summary>
    /// Places that spell <paramref name="name"/> otherwise: by vowel-class key ("spelling") and by consonant skeleton,
    /// ranked together (the closer spelling wins among them).
    /// </summary>
    private Prefix? Variants(string name, bool shortened = false)
    {
        var how = shortened ? "prefix, " : "";
        if (Tokenizer.IsArabic(name))
        {
            // "المزاريب" for "المزيريب": the same consonants, other long vowels.
            var arabic = gazetteer.FindByArabicSkeleton(name);
            return arabic.Count == 0 ? null : new Prefix(name, arabic.Select(place => (place, false)).ToList(), Fuzzy: true, how + "skeleton");
        }
        var spelling = gazetteer.FindByLooseKey(name);
        var variants = spelling.Concat(gazetteer.FindBySkeleton(name)).DistinctBy(p => p.GeonameId).ToList();
        return variants.Count == 0 ? null
            : new Prefix(name, variants.Select(place => (place, false)).ToList(), Fuzzy: true, how + (spelling.Count > 0 ? "spelling" : "skeleton"));
    }

    /// <summary>
    /// The known names inside a free mention, left to right, longest first at each word: "Hajin in IS controlled enclave"
    /// gives Hajin. Exact spellings and possessives; a Latin variant (spelling key, skeleton) only for runs of two words or
    /// five letters, which <see cref="Admissible"/> then admits only beside the incident's other places; no generic or
    /// common word alone.
    /// </summary>
    private List<Prefix> KnownNames(string text)
    {
        var tokens = Tokenizer.Tokenize(TextFolding.Fold(text)).Select(t => t.Text).ToList();
        var names = new List<Prefix>();
        var unmatchedBefore = -1;
        for (var i = 0; i < tokens.Count; i++)
        {
            // Most Arabic words of running text begin no known name: a hash lookup rules them out. (Latin runs are short
            // capitalised names, which may also match by possessive or skeleton.)
            if (Tokenizer.IsArabic(tokens[i]) && !Tokenizer.ArabicStems(tokens[i]).Any(gazetteer.MayBeginName))
            {
                continue;
            }
            // "Ajnad al-Sham", "Jaysh al-Islam", "Liwa al-Quds": a word that names no place, then the article and a name, is
            // the name of a group or a thing, not the place its last word spells.
            if (!Tokenizer.IsArabic(tokens[i]) && unmatchedBefore >= 0 && (unmatchedBefore == i - 1 && Gazetteer.IsArticle(tokens[i])
                || unmatchedBefore == i - 2 && Gazetteer.IsArticle(tokens[i - 1])))
            {
                continue;
            }
            var matchedCount = names.Count;
            for (var length = Math.Min(MaxNameWords, tokens.Count - i); length >= 1; length--)
            {
                var words = tokens.GetRange(i, length);
                if (Gazetteer.IsArticle(words[^1]) || length == 1 && IsCommonWord(words[0]) || gazetteer.IsCommonWord(string.Join(' ', words))
                    || Gazetteer.NameKey(string.Join(' ', words)).Length < 3)
                {
                    continue;
                }
                if (FreeMatch(words) is { } match)
                {
                    names.Add(match);
                    i += length - 1;
                    break;
                }
            }
            if (names.Count == matchedCount && !Tokenizer.IsArabic(tokens[i]) && !Gazetteer.IsArticle(tokens[i]))
            {
                unmatchedBefore = i;
            }
        }
        return names;
    }

    private Prefix? FreeMatch(List<string> words)
    {
        var name = string.Join(' ', words);
        var match = Match(name, shortened: false);
        // A capitalised Latin run may be a transliteration the gazetteer spells otherwise, when it is long enough not
        // to be a skeleton of anything.
        if (match is { Fuzzy: false } || match is not null && !Tokenizer.IsArabic(words[0]) && (words.Count > 1 || name.Length >= 5))
        {
            return match;
        }
        if (Tokenizer.IsArabic(words[0]))
        {
            // "وحلب", "بإدلب": clitics peeled only onto a known name. A single word that leaves three letters is more often a
            // word of the text than a place, unless they spell a city ("بحمص" is Homs; "بيان", a statement, is no "يان").
            foreach (var peeled in Tokenizer.ArabicStems(words[0]).Skip(1).Distinct(StringComparer.Ordinal))
            {
                if (peeled.Length > 2 && !(words.Count == 1 && IsCommonWord(peeled))
                    && Match(string.Join(' ', words.Skip(1).Prepend(peeled)), shortened: false) is { Fuzzy: false } peeledMatch
                    && (words.Count > 1 || peeled.Length > 3 || peeledMatch.Candidates.Any(c => c.Exact && IsNotable(c.Place))))
                {
                    return peeledMatch;
                }
            }
        }
        return null;
    }

    /// <summary>
    /// A cued name: its best admissible place, or a spelling variant when there is none. "Basira" is an alternate name of
    /// an Aleppo village, and a transliteration of Al Busayrah beside the Deir ez-Zor the note also names: a variant near
    /// the incident's other places beats an exact name far from them.
    /// </summary>
    private Found? ResolveCued(Prefix prefix, IReadOnlyList<string> hints, Context context)
    {
        var found = Rank(prefix, hints, context, free: false);
        if (found is null || !found.Supported && hints.Count > 0)
        {
            var variant = SkeletonInstead(prefix, hints, context);
            found = found is null || variant is { Supported: true } ? variant ?? found : found;
        }
        return found;
    }

    /// <summary>
    /// An exact spelling whose every place is inadmissible ("Erbin", an alternate name of a Turkish village, in a Syrian
    /// article) may still be a transliteration of a place where the article is (Arbin).
    /// </summary>
    private Found? SkeletonInstead(Prefix prefix, IReadOnlyList<string> hints, Context context)
    {
        if (prefix.Fuzzy)
        {
            return null;
        }
        return Variants(prefix.Text) is { } variants ? Rank(variants, hints, context, free: false) : null;
    }

    /// <summary>
    /// The places a hint may mean. A hint that names a governorate or a city means it, not the hamlets that share its name:
    /// "Jabiryah in northern Hama countryside" is not supported by a village called Hama in Homs governorate.
    /// </summary>
    private IEnumerable<GazetteerPlace> HintPlaces(string hint, Context context)
    {
        var places = gazetteer.Find(hint).Where(h => !IsCountry(h) && context.Allows(h)).ToList();
        if (places.Count == 0 && !Tokenizer.IsArabic(hint) && LongestKnownPrefix(hint) is { } spelt)
        {
            // "the western countryside of Darra": a hint spelt otherwise still says where (Daraa).
            places = spelt.Candidates.Select(c => c.Place).Where(h => !IsCountry(h) && context.Allows(h) && IsNotable(h)).ToList();
        }
        var notable = places.Where(IsNotable).ToList();
        if (notable.Count > 0)
        {
            return notable;
        }
        // Otherwise the homonyms a reader would take it for: those ranked (country, seat, size) about as high as the best.
        var scored = places.Select(h => (Place: h, Score: Score(h, []) + (h.CountryCode == context.Focus ? FocusCountryBonus : 0))).ToList();
        var best = scored.Count == 0 ? 0 : scored.Max(x => x.Score);
        return scored.Where(x => x.Score >= best - HintMargin).Select(x => x.Place);
    }

    private const double HintMargin = 1;

    private bool IsCommonWord(string word) =>
        GenericNameWords.Contains(Tokenizer.StripArticle(word)) || gazetteer.IsCommonWord(word) || word.Length < 3;

    private Found? Rank(Prefix prefix, IReadOnlyList<string> hints, Context context, bool free)
    {
        // A hint's homonyms abroad are no evidence: "Assad" near a Lebanese village of that name says nothing in a Syrian article.
        var hintPlaces = hints.SelectMany(hint => HintPlaces(hint, context)).ToList();
        var candidates = prefix.Candidates.Where(c => Admissible(c.Place, prefix, hintPlaces, context, free)).ToList();
        if (candidates.Count == 0)
        {
            return null;
        }
        var key = prefix.Fuzzy ? Gazetteer.NameKey(prefix.Text) : "";
        var ranked = candidates
            .Select(c => (candidate: c.Place, score: Score(c.Place, hintPlaces) + (c.Exact ? ExactNameBonus : 0)
                + (c.Place.CountryCode == context.Focus ? FocusCountryBonus : 0)
                + (prefix.Fuzzy ? SpellingBonus * Similarity(key, Gazetteer.NameKey(c.Place.Name)) : 0)))
            .OrderByDescending(x => x.score)
            .ThenBy(x => x.candidate.GeonameId)
            .ToList();
        var best = ranked[0];
        var confidence = ranked.Count == 1 ? 0.9 : Math.Clamp(0.5 + (best.score - ranked[1].score) / 10, 0.3, 0.9);
        if (prefix.Fuzzy)
        {
            confidence *= 0.8;
        }
        var namesGovernorate = best.candidate.FeatureClass == "P" && prefix.Candidates.Any(c => c.Place.FeatureCode == "ADM1"
            && c.Place.CountryCode == best.candidate.CountryCode && c.Place.Admin1Code == best.candidate.Admin1Code);
        return new Found(best.candidate, prefix.Text, confidence, ranked.Skip(1).Take(3).Select(x => x.candidate).ToList(), prefix.How,
            namesGovernorate, IsSupported(best.candidate, hintPlaces));
    }

    /// <summary>
    /// Whether a candidate may be the place at all. Countries are never an incident's place. A fuzzy match needs evidence:
    /// the article's country (or one it names), or a place the incident also names nearby; a small place matched by
    /// skeleton needs that nearby place or governorate. An exact name abroad needs the country named, a nearby place, or a
    /// notable size. A free mention alone is weaker still: an Arabic single word must name a populated or notable place.
    /// </summary>
    private static bool Admissible(GazetteerPlace place, Prefix prefix, List<GazetteerPlace> hintPlaces, Context context, bool free)
    {
        if (IsCountry(place) || place.FeatureCode.StartsWith("ADM", StringComparison.Ordinal) && place.FeatureCode.EndsWith('H'))
        {
            return false;
        }
        var supported = IsSupported(place, hintPlaces);
        var notable = IsNotable(place);
        if (prefix.How.StartsWith("prefix", StringComparison.Ordinal) && hintPlaces.Count > 0 && !supported)
        {
            // "Tallat Abu Ali" is not Tulaylat: a shorter prefix must agree with the incident's other places when it has some.
            return false;
        }
        if (free && prefix.Fuzzy)
        {
            // A capitalised word that merely looks like a name ("Initial", "Rival") is no evidence of one.
            return supported;
        }
        if (free && context.Focus is null && !supported && !notable && !prefix.Text.Contains(' ', StringComparison.Ordinal))
        {
            return false;
        }
        if (prefix.Fuzzy)
        {
            // With no country in play, a shorter exact prefix crosses no border; a skeleton needs a notable place, or one
            // long enough to be specific whose every homonym lies in one country.
            var inCountry = context.Focus is null && context.Countries.Count == 0
                ? notable || prefix.How == "prefix" || prefix.Candidates.Select(c => c.Place.CountryCode).Distinct().Count() == 1
                    && SkeletonLetters(prefix.Text) >= 4
                : context.Countries.Contains(place.CountryCode);
            // A variant far from the incident's other places is another place of a similar name.
            if (hintPlaces.Count > 0 && !supported && !notable && !place.FeatureCode.StartsWith("PPLA", StringComparison.Ordinal))
            {
                return false;
            }
            // In the article's own country, a variant long enough to be specific (four letters of skeleton) is admitted.
            return supported || inCountry && (notable || !prefix.How.EndsWith("skeleton", StringComparison.Ordinal)
                || context.Focus == place.CountryCode && SkeletonLetters(prefix.Text) >= 4);
        }
        // Abroad, only in a country the text names (or the one it is about): a notable place abroad ("Salahuddin", the
        // Iraqi governorate, for the Aleppo district) counts only when the article's country is open.
        if (!context.Allows(place) && !supported && (free || !notable || context.Focus is not null))
        {
            return false;
        }
        if (free && Tokenizer.IsArabic(prefix.Text) && !prefix.Text.Contains(' ', StringComparison.Ordinal))
        {
            // "الدولي", "العسكري": a word with the article and a nisba ending is mostly an adjective; it names a place
            // only near the incident's other places or as a notable place or an administrative seat of the article's
            // country ("القامشلي", a district seat the gazetteer gives no population).
            if (prefix.Text.StartsWith("ال", StringComparison.Ordinal) && prefix.Text.EndsWith('ي'))
            {
                return supported || (notable || place.FeatureCode.StartsWith("PPLA", StringComparison.Ordinal)) && place.CountryCode == context.Focus;
            }
            return supported || place.Population > 0 || notable || place.FeatureClass == "A";
        }
        return true;
    }

    // Among places of one skeleton, the spelling closest to the written one: "Al Hasakeh" is Al-Hasakah.
    private const double SpellingBonus = 4;

    /// <summary>1 minus the edit distance over the longer length: 1 for the same letters, 0 for nothing in common.</summary>
    private static double Similarity(string a, string b)
    {
        if (a.Length == 0 || b.Length == 0)
        {
            return 0;
        }
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
            (previous, current) = (current, previous);
        }
        return 1 - (double)previous[b.Length] / Math.Max(a.Length, b.Length);
    }

    private static int SkeletonLetters(string name) =>
        (Tokenizer.IsArabic(name) ? Gazetteer.ArabicSkeleton(name) : Gazetteer.Skeleton(name)).Count(char.IsLetter);

    private static bool IsSupported(GazetteerPlace place, List<GazetteerPlace> hintPlaces) =>
        hintPlaces.Any(h => h.GeonameId != place.GeonameId && h.CountryCode == place.CountryCode
            && (h.Admin1Code.Length > 0 && h.Admin1Code == place.Admin1Code || IsNearHint(h, place)));

    // Near a village or town the incident names, or in the suburbs of a big city the incident names (Mu'adamiyat al-Sham
    // by Damascus, across a governorate line); an admin area is too broad to say "near", and a town 35 km from Hama across
    // the Homs line is not in "Hama countryside".
    private static bool IsNearHint(GazetteerPlace hint, GazetteerPlace candidate, bool suburbs = true) =>
        hint.FeatureClass == "P" && (hint.Population < ContainingCityPopulation || suburbs)
        && Km(hint, candidate) <= (hint.Population < ContainingCityPopulation ? NearHintKm : SuburbKm);

    private const double SuburbKm = 20;

    private static bool IsCountry(GazetteerPlace place) => place.FeatureCode is "PCLI" or "PCLD" or "PCLS" or "PCLIX" or "PCLH" or "PCLF" or "PCL";

    private static bool IsNotable(GazetteerPlace place) =>
        place.Population >= NotablePopulation || place.FeatureCode is "PPLA" or "PPLC" or "ADM1";

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
        // A governorate's population is its people, not its prominence as a place name.
        score += candidate.FeatureClass == "A" ? 0 : Math.Log10(1 + candidate.Population) / 2;
        // A hint is a place near or around the candidate, never the candidate itself.
        var near = false;
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
            // Near a village or town the incident names; a big city or an admin area is too broad to say "near".
            near |= IsNearHint(hint, candidate, suburbs: false);
        }
        return near ? score + NearHintBonus : score;
    }

    private static double Km(GazetteerPlace a, GazetteerPlace b) => GreatCircle.Km(a.Latitude, a.Longitude, b.Latitude, b.Longitude);
}
