using Platform.Text;

namespace Platform.Extraction.Engine;

// Actors: who the sentence names, by alias, by a nationality on a force, and by what the event implies.
public sealed partial class IncidentExtractor
{
    /// <summary>
    /// Whether a word is the trigger's object: after it ("shot and killed a soldier"), or before it in the passive ("a
    /// soldier was shot dead"); not the subject ("militants executed a shepherd").
    /// </summary>
    private static bool IsVictimPosition(List<Token> tokens, int at, PhraseMatch<(string EventType, string SubEventType, string[] Requires)> trigger)
    {
        if (at > trigger.Last)
        {
            return true;
        }
        // "a QSD member's body was found": a passive trigger's subject is its victim.
        for (var i = at + 1; i <= trigger.Last; i++)
        {
            if (tokens[i].Text is "was" or "were" or "been")
            {
                return true;
            }
        }
        return false;
    }

    // How far from the claim its claimant may be named ("أعلن تنظيم الدولة الإسلامية في بيان مسؤوليته عن").
    private const int ClaimantWindow = 8;

    /// <summary>
    /// The armed group a sentence says claimed an event ("IS claimed responsibility", "تبنى تنظيم داعش التفجير", "هجوم
    /// تبنته طالبان"): the actor nearest the claim; none when the claim is denied or made by no one ("No group claimed
    /// responsibility", "لم تتبن أي جهة").
    /// </summary>
    private ActorFound? ClaimantOf(FoldedText folded, List<Token> tokens, List<PhraseMatch<(string Kind, string Value)>> cues)
    {
        var claim = cues.FirstOrDefault(c => c.Entry.Value.Kind == "claim");
        if (claim is null
            || cues.Any(c => c.Entry.Value is ("modality", "negated") && c.Last < claim.First && claim.First - c.Last <= ModalityWindow)
            || tokens.Skip(Math.Max(0, claim.First - 3)).Take(Math.Min(3, claim.First)).Any(t => t.Text is "no" or "not" or "any" or "أي" or "اي"))
        {
            return null;
        }
        return lexicon.Actors.FindAll(tokens)
            .Where(a => !NonCombatants.Contains(a.Entry.Value) && a.Entry.Value != "unidentified"
                && (a.Last < claim.First ? claim.First - a.Last : a.First - claim.Last) <= ClaimantWindow)
            .OrderBy(a => a.Last < claim.First ? claim.First - a.Last : a.First - claim.Last)
            .Select(a => new ActorFound(a.Entry.Value, OriginalText(folded, tokens, a.First, a.Last)))
            .FirstOrDefault();
    }

    private static readonly HashSet<string> NonCombatants = new(StringComparer.Ordinal) { "civilians", "protesters" };

    // The actor a nationality names on a force or a weapon ("مقاتلات روسية", "Russian jets", "طيران الجيش العراقي").
    private static readonly Dictionary<string, string> ActorOfCountry = new(StringComparer.Ordinal)
    {
        ["SY"] = "syrian-government", ["RU"] = "russia", ["TR"] = "turkey", ["IL"] = "israel", ["IQ"] = "iraqi-security-forces",
        ["IR"] = "iran", ["US"] = "coalition", ["LB"] = "lebanese-security-forces",
    };

    private static readonly HashSet<string> ForceWords = new(StringComparer.Ordinal)
    {
        "قوات", "القوات", "الجيش", "جيش", "طيران", "الطيران", "طائرات", "الطائرات", "مقاتلات", "المقاتلات", "المدفعية", "مدفعية", "الشرطة",
        "الأمن", "القوات الجوية", "البحرية", "forces", "army", "troops", "jets", "warplanes", "aircraft", "artillery", "police", "drone",
        "drones", "military", "soldiers", "helicopters",
    };

    /// <summary>
    /// A force or weapon with a nationality ("الطيران الإسرائيلي", "Russian jets") is that country's forces; "الجيش السوري
    /// الحر" (the Free Syrian Army) is not the Syrian army.
    /// </summary>
    private static void AddForcesByNationality(List<ActorFound> actors, List<Token> tokens, List<PhraseMatch<(string Kind, string Value)>> cues, FoldedText folded,
        List<(int First, int Last)> named)
    {
        // Inside a name the lexicon knows ("قوات سوريا الديمقراطية"), a country is part of the name.
        foreach (var country in cues.Where(c => c.Entry.Value.Kind == "country" && !named.Exists(n => n.First <= c.Last && c.First <= n.Last)))
        {
            var arabic = Tokenizer.IsArabic(tokens[country.First].Text);
            var force = arabic ? country.First - 1 : country.Last + 1;
            if (force < 0 || force >= tokens.Count || !ForceWords.Contains(Tokenizer.StripArticle(tokens[force].Text)) && !ForceWords.Contains(tokens[force].Text)
                || country.Last + 1 < tokens.Count && tokens[country.Last + 1].Text is "الحر" or "free"
                || !ActorOfCountry.TryGetValue(country.Entry.Value.Value, out var actor) || actors.Exists(a => a.ActorId == actor))
            {
                continue;
            }
            actors.Add(new ActorFound(actor, OriginalText(folded, tokens, Math.Min(force, country.First), Math.Max(force, country.Last))));
        }
    }

    /// <summary>
    /// Actors the event itself implies: a protest has protesters; remote violence or violence against civilians
    /// by no named armed group has an unidentified perpetrator, and civilians among the dead are victims.
    /// </summary>
    private static void AddImpliedActors(string eventType, List<ActorFound> actors, List<PhraseMatch<(string Kind, string Value)>> cues,
        string triggerText, Dictionary<string, string> rules)
    {
        if (eventType is "Protests" or "Riots" && actors.TrueForAll(a => a.ActorId != "protesters"))
        {
            actors.Insert(0, new ActorFound("protesters", triggerText));
            rules["actors"] = "implied:protesters";
        }
        if (eventType is not ("Explosions/Remote violence" or "Violence against civilians"))
        {
            return;
        }
        // Residents under shelling or attack are its civilian victims, not protesters.
        var residents = actors.FindIndex(a => a.ActorId == "protesters");
        if (residents >= 0)
        {
            if (actors.Exists(a => a.ActorId == "civilians"))
            {
                actors.RemoveAt(residents);
            }
            else
            {
                actors[residents] = actors[residents] with { ActorId = "civilians" };
            }
        }
        if (actors.TrueForAll(a => NonCombatants.Contains(a.ActorId)))
        {
            actors.Insert(0, new ActorFound("unidentified", triggerText));
            rules["actors"] = "implied:unidentified";
        }
        if (actors.TrueForAll(a => a.ActorId != "civilians") && cues.FirstOrDefault(c => c.Entry.Value.Kind == "victim") is { } victim)
        {
            actors.Add(new ActorFound("civilians", victim.Entry.Phrase));
        }
    }

    /// <summary>
    /// A battle has two sides. One whose sentence names only one ("اشتباكات عنيفة مع القوات الحكومية في محيط المطار",
    /// "والسيطرة على المساكن العسكرية بحمص") is fought against the side the article's other battles set against it
    /// most often, as a reader takes "the clashes" in a report of one war.
    /// </summary>
    private static List<IncidentFound> WithOpposingSides(List<IncidentFound> incidents)
    {
        static bool Armed(ActorFound actor) => actor.ActorId is not ("civilians" or "protesters" or "unidentified");
        // How often each side faces each other side in the article's battles (counted once, not per incident: long
        // texts have thousands).
        var faced = new Dictionary<string, Dictionary<string, (int Count, int First, ActorFound Actor)>>(StringComparer.Ordinal);
        var order = 0;
        foreach (var battle in incidents.Where(i => i.EventType == "Battles"))
        {
            var sides = battle.Actors.Where(Armed).DistinctBy(a => a.ActorId).ToList();
            foreach (var side in sides)
            {
                foreach (var other in sides.Where(o => o.ActorId != side.ActorId))
                {
                    var against = faced.TryGetValue(side.ActorId, out var known) ? known : faced[side.ActorId] = new(StringComparer.Ordinal);
                    against[other.ActorId] = against.TryGetValue(other.ActorId, out var seen) ? seen with { Count = seen.Count + 1 } : (1, order++, other);
                }
            }
        }
        if (faced.Count == 0)
        {
            return incidents;
        }
        return incidents.Select(incident =>
        {
            var armed = incident.Actors.Where(Armed).ToList();
            // An unidentified side ("مسلحون مجهولون") is a side.
            if (incident.EventType != "Battles" || armed.Count != 1 || incident.Actors.Any(a => a.ActorId == "unidentified"))
            {
                return incident;
            }
            if (!faced.TryGetValue(armed[0].ActorId, out var against))
            {
                return incident;
            }
            var opponent = against.Values.OrderByDescending(v => v.Count).ThenBy(v => v.First).First().Actor;
            var rules = new Dictionary<string, string>(incident.Rules, StringComparer.Ordinal) { ["actors"] = $"opposing side {opponent.ActorId} from the article's other battles" };
            return incident with { Actors = [.. incident.Actors, opponent], Rules = rules };
        }).ToList();
    }
}
