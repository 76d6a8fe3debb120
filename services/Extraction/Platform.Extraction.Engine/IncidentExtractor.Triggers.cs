using Platform.Text;

namespace Platform.Extraction.Engine;

// Triggers: their rank in a sentence, the context they require, and the modality and sense that make them no report.
public sealed partial class IncidentExtractor
{
    // A clash with shelling or air strikes around it is a battle (as ACLED codes it): Battles lead a sentence that also
    // reports remote violence.
    private static int Severity(string eventType) => eventType switch
    {
        "Battles" => 4,
        "Explosions/Remote violence" or "Violence against civilians" => 3,
        "Riots" or "Protests" => 2,
        _ => 1,
    };

    /// <summary>
    /// The rank of a trigger in its sentence: by <see cref="Severity(string)"/>, except that the weapon decides over a
    /// generic attack word ("هجوم بسيارة مفخخة" is a car bomb, "attacked ... with an IED" an IED), and a killing word
    /// is the result of any other event the sentence tells ("قتل 29 منهم في استهداف" is the strike).
    /// </summary>
    private static double Severity(PhraseMatch<(string EventType, string SubEventType, string[] Requires)> match, List<PhraseMatch<(string Kind, string Value)>> cues)
    {
        if (IsGenericAttack(match.Entry.Phrase))
        {
            return 2.9;
        }
        // "عثرت الشرطة على جثة رجل قضى رمياً بالرصاص": the body found is the event; the gunfire is how the man died.
        if (BodyWords.Contains(match.Entry.Phrase))
        {
            return 4.5;
        }
        if (match.Entry.Value is ("Violence against civilians", "Attack", _) && IsKilling(match, cues))
        {
            return 2.5;
        }
        return Severity(match.Entry.Value.EventType);
    }

    private static bool IsKilling(PhraseMatch<(string EventType, string SubEventType, string[] Requires)> match, List<PhraseMatch<(string Kind, string Value)>> cues) =>
        cues.Any(c => c.Entry.Value.Kind == "killed" && c.First == match.First);

    // Attack words that say nothing of the means: the sentence's weapon, when it names one, is the event.
    private static readonly HashSet<string> GenericAttackWords = new(StringComparer.Ordinal) { "هجوم", "هجمات", "هجومين", "attack", "attacks", "attacked" };

    private static readonly HashSet<string> BodyWords = new(StringComparer.Ordinal) { "جثة", "جثث", "جثتي", "جثتين", "جثمان", "body", "bodies" };

    private static bool IsGenericAttack(string phrase) => GenericAttackWords.Contains(Tokenizer.StripArticle(TextFolding.Fold(phrase)));

    /// <summary>The name in a trigger's "requires" column that stands for any word of the "eventive" cue list.</summary>
    public const string EventiveContext = "@eventive";

    /// <summary>
    /// The name in a trigger's "requires" column of a weapon noun: it reports an attack only when the weapon is used
    /// (fired, dropped, exploded, an instrument "بقذائف"), or with a toll: a weapon found, smuggled, listed or shown is no
    /// attack, whatever the time word beside it.
    /// </summary>
    public const string UsedContext = "@used";

    /// <summary>
    /// A noun trigger (an event or a weapon, "هجوم" and "هجوم مسلح" among them), named as often as reported: about, since,
    /// after a demonstrative, in a list of crimes or in a sentence about a trial it names an event and reports none.
    /// </summary>
    private static bool IsNoun(PhraseMatch<(string EventType, string SubEventType, string[] Requires)> trigger) =>
        trigger.Entry.Value.Requires.Any(r => r is EventiveContext or UsedContext)
        || IsGenericAttack(trigger.Entry.Phrase.Split(' ')[0]) && trigger.Entry.Phrase != "attacked"
        // An entry written with ب before its noun ("برصاص", "بنيران": by the bullets of; "بناء": the building of) is a noun.
        || trigger.Entry.Phrase.Length > 3 && trigger.Entry.Phrase[0] == 'ب' && Tokenizer.IsArabic(trigger.Entry.Phrase);

    // A noun such as "اغتيال" (assassination) is as often talked about as reported; it reports an event only with
    // something that anchors it: a toll ("قتلى"), a verb of occurrence ("وقع", "أسفر"), never a time word alone.
    private const int EventiveWindow = 6;

    /// <summary>True when an Arabic word carries the article, behind at most a conjunction and a preposition.</summary>
    private static bool HasArticle(string word)
    {
        if (!Tokenizer.IsArabic(word))
        {
            return false;
        }
        var rest = word.Length > 3 && word[0] is 'و' or 'ف' ? word[1..] : word;
        if (rest.StartsWith("لل", StringComparison.Ordinal))
        {
            return true;
        }
        rest = rest.Length > 3 && rest[0] is 'ب' or 'ك' or 'ل' ? rest[1..] : rest;
        return rest.StartsWith("ال", StringComparison.Ordinal);
    }

    /// <param name="actors">Where the sentence names actors (first and last token), when known.</param>
    private static bool RequirementsMet(PhraseMatch<(string EventType, string SubEventType, string[] Requires)> trigger,
        List<Token> tokens, List<PhraseMatch<(string Kind, string Value)>> cues, IReadOnlyList<(int First, int Last)>? actors = null)
    {
        var requires = trigger.Entry.Value.Requires;
        if (requires.Length == 0)
        {
            return true;
        }
        if (requires.Contains(UsedContext, StringComparer.Ordinal))
        {
            // "هجوم انتحاري بسيارة مفخخة": the instrument of an attack the sentence tells (the attack's own anchor is
            // checked as the weapon's: the toll or verb around them).
            var word = tokens[trigger.First].Text;
            if (word.Length > 3 && word[0] == 'ب' && !trigger.Entry.Phrase.StartsWith('ب')
                && tokens.Skip(Math.Max(0, trigger.First - 2)).Take(Math.Min(2, trigger.First))
                    .Any(t => IsGenericAttack(t.Text) || Tokenizer.StripArticle(t.Text) is "انتحاري" or "اعتداء"))
            {
                return cues.Any(c => c.Entry.Value.Kind is "killed" or "used" or "eventive" && c.Last >= trigger.First - 2 * EventiveWindow && c.First <= trigger.Last + 2 * EventiveWindow);
            }
            // A weapon found or defused ("فككت ... سيارة مفخخة") is a disrupted weapons use, told as such.
            if (IsDisrupted(trigger, cues))
            {
                return true;
            }
            return cues.Any(c => (c.Entry.Value.Kind is "killed" or "used" || c.Entry.Value is ("eventive", "occurred" or "toll"))
                && (c.Last < trigger.First || c.First > trigger.Last)
                && c.Last >= trigger.First - EventiveWindow && c.First <= trigger.Last + EventiveWindow);
        }
        if (requires.Contains(EventiveContext, StringComparer.Ordinal))
        {
            // The anchor must be close: a long sentence of commentary mentions "yesterday" about something else. Only a
            // toll or a verb of occurrence anchors a noun, not a time word: reactions speak of "اعتداء أمس", "last night's
            // attack" as often as reports tell one ("الخطف", with the article, points back at an event already told).
            var definite = HasArticle(tokens[trigger.First].Text);
            // A toll right after the trigger ("قتل 8 أشخاص", "killed 12") is the surest anchor (after a weapon a number
            // is its model or calibre: "صواريخ 240 ملم").
            if (trigger.Entry.Value.EventType != "Explosions/Remote violence"
                && tokens.Skip(trigger.Last + 1).Take(2).Any(t => int.TryParse(t.Text, out var n) && n is > 0 and < MinimumYear))
            {
                return true;
            }
            // Counted strikes and attacks happened: "نفذت 19 غارة", "تسع ضربات جوية", "three air strikes" (a number before
            // a weapon or a person is its model or a head count: "شهاب 4 صاروخ", "ثلاثة رهائن").
            if (!definite && trigger.First > 0 && (trigger.Entry.Value.SubEventType == "Air/drone strike" || IsGenericAttack(trigger.Entry.Phrase))
                && CountAt(tokens, cues, trigger.First - 1) is { Value: > 0 and < MinimumYear })
            {
                return true;
            }
            if (IsClauseInitialVerb(trigger, tokens, cues, actors ?? []))
            {
                return true;
            }
            // "القتل" with the article is one more crime named, not a toll: only a verb or an undetermined noun anchors.
            return cues.Any(c => (c.Entry.Value.Kind is "killed" or "eventive" && c.Entry.Value.Value is not ("past" or "time"))
                && !(c.Entry.Value.Kind == "killed" && HasArticle(tokens[c.First].Text))
                && (c.Last < trigger.First || c.First > trigger.Last)
                && c.Last >= trigger.First - EventiveWindow && c.First <= trigger.Last + EventiveWindow);
        }
        return tokens.Any(t => Tokenizer.ArabicStems(t.Text).Any(stem => requires.Contains(stem, StringComparer.Ordinal)));
    }

    // How far after a clause-initial verb its subject or object may begin ("قتل مسلحون مجهولون", "اغتال أمس مسلحون").
    private const int VerbArgumentWindow = 3;

    /// <summary>
    /// An Arabic killing word that opens its sentence or clause and is followed closely by an actor, a counted or named victim
    /// ("قتل مسلحون مجهولون عنصرين", "اغتال مجهولون قياديا", "وقتل ثلاثة مدنيين"): the verb of a verb-first sentence,
    /// which reports, not the verbal noun of the same letters that names a crime ("قتل المدنيين جريمة": a victim with the
    /// article is the noun's complement; a reported victim is counted or undetermined, "قتل مدنيان").
    /// </summary>
    private static bool IsClauseInitialVerb(PhraseMatch<(string EventType, string SubEventType, string[] Requires)> trigger,
        List<Token> tokens, List<PhraseMatch<(string Kind, string Value)>> cues, IReadOnlyList<(int First, int Last)> actors)
    {
        // Only a killing word may be read so: "تفجير", "اغتيال" are verbal nouns whatever follows them.
        if (trigger.First != 0 || trigger.First != trigger.Last || !Tokenizer.IsArabic(tokens[0].Text) || HasArticle(tokens[0].Text)
            || !cues.Any(c => c.Entry.Value.Kind == "killed" && c.First == 0))
        {
            return false;
        }
        var from = trigger.Last + 1;
        var to = Math.Min(tokens.Count - 1, trigger.Last + VerbArgumentWindow);
        return actors.Any(a => a.First >= from && a.First <= to)
            || cues.Any(c => c.Entry.Value.Kind is "combatant" or "victim" or "number" && c.First >= from && c.First <= to && !HasArticle(tokens[c.First].Text))
            || tokens.Skip(from).Take(to - from + 1).Any(t => int.TryParse(t.Text, out var n) && n is > 0 and < MinimumYear);
    }

    // How far before a weapon the verb that took it out of use may stand ("فككت قوات الأمن أمس سيارة مفخخة").
    private const int DisruptedWindow = 5;

    /// <summary>The weapon a trigger names was found, seized or defused before it went off.</summary>
    private static bool IsDisrupted(PhraseMatch<(string EventType, string SubEventType, string[] Requires)> trigger, List<PhraseMatch<(string Kind, string Value)>> cues) =>
        cues.Any(c => c.Entry.Value.Kind == "disrupted" && c.Last < trigger.First && trigger.First - c.Last <= DisruptedWindow);

    /// <summary>A trigger of remote violence that requires a weapon named beside it ("استهدف", "انفجرت", "targeted").</summary>
    private static bool NeedsWeapon(PhraseMatch<(string EventType, string SubEventType, string[] Requires)> trigger) =>
        trigger.Entry.Value.EventType == "Explosions/Remote violence" && trigger.Entry.Value.Requires.Length > 0
        && !trigger.Entry.Value.Requires.Any(r => r.StartsWith('@'));

    /// <summary>"الهجمات" / "the attacks": a definite generic noun of attack points back at an event already told.</summary>
    private static bool RefersBack(PhraseMatch<(string EventType, string SubEventType, string[] Requires)> trigger, List<Token> tokens) =>
        IsGenericAttack(trigger.Entry.Phrase)
        && (HasArticle(tokens[trigger.First].Text) || trigger.First > 0 && tokens[trigger.First - 1].Text == "the");

    /// <summary>
    /// A trigger that only names an event: a killing word or protest beside a total; a noun trigger (one that needs an
    /// anchor) after "about"/"since", in a list of crimes ("القتل والخطف": joined by و to another trigger), or in a sentence
    /// about a trial, a charge, an inquiry or an anniversary.
    /// </summary>
    private static bool IsNamedNotReported(PhraseMatch<(string EventType, string SubEventType, string[] Requires)> trigger, List<Token> tokens,
        List<PhraseMatch<(string Kind, string Value)>> cues, List<PhraseMatch<(string EventType, string SubEventType, string[] Requires)>> candidates)
    {
        if (cues.Any(c => c.Entry.Value.Kind == "total") && (trigger.Entry.Value.EventType is "Protests" || IsKilling(trigger, cues) || IsNoun(trigger)))
        {
            // "119 killed across Syria", "حركة احتجاجات منذ ما يقرب من عامين": a total or a movement, not an incident (any
            // trigger, verb or noun).
            return true;
        }
        // "صد أي هجوم", "any attack": a kind of event, not one that happened.
        if (trigger.First > 0 && tokens[trigger.First - 1].Text is "أي" or "اي" or "any")
        {
            return true;
        }
        // A trigger with the article is a noun whatever its entry says ("الاشتباكات", "القصف"): no verb takes it.
        if (!IsNoun(trigger) && !HasArticle(tokens[trigger.First].Text))
        {
            return false;
        }
        // "هذا الاغتيال", "مثل هذه التفجيرات", "that attack": a noun after a demonstrative points at an event already told
        // (its toll, told in the same sentence, still goes to that event), or at a kind of event.
        if (trigger.First > 0 && tokens[trigger.First - 1].Text is "هذا" or "هذه" or "ذلك" or "تلك" or "هذين" or "هاتين" or "this" or "that" or "these" or "those" or "such")
        {
            return true;
        }
        // "تحدث عن اغتيال", "منذ اغتيال", "حول الهجوم": a noun after "about" or "since" is the subject of talk or a date.
        if (trigger.First > 0 && tokens[trigger.First - 1].Text is "عن" or "حول" or "منذ" or "بشأن" or "حيال" or "about" or "since")
        {
            return true;
        }
        if (cues.Any(c => c.Entry.Value.Kind is "judicial" or "exercise"))
        {
            return true;
        }
        // A list of crimes: the noun beside another violence noun or a crime, as alternatives ("القتل أو التعذيب",
        // "killings or kidnappings") or joined by و with the same determination ("القتل والخطف", "اعتقال وتعذيب",
        // "بقتل وتعذيب وتهجير").
        // Undetermined weapons side by side are the instruments of one attack ("هجومان انتحاريان وسيارة ملغومة"), not a
        // list; determined ones are kinds named ("القصف بالبراميل المتفجرة والصواريخ").
        static bool IsWeapon(PhraseMatch<(string EventType, string SubEventType, string[] Requires)> match) =>
            match.Entry.Value.Requires.Contains(UsedContext, StringComparer.Ordinal);
        var definite = HasArticle(tokens[trigger.First].Text);
        var conjuncts = candidates
            .Where(other => !ReferenceEquals(other, trigger) && (definite || !IsWeapon(other) && !IsWeapon(trigger)))
            .Select(other => (other.First, other.Last))
            .Concat(cues.Where(c => c.Entry.Value.Kind == "crime").Select(c => (c.First, c.Last)));
        return conjuncts.Any(other =>
            other.First == trigger.Last + 2 && IsOr(tokens[trigger.Last + 1].Text) || other.Last == trigger.First - 2 && IsOr(tokens[trigger.First - 1].Text)
            || (other.First == trigger.Last + 1 && tokens[other.First].Text.StartsWith('و') || other.Last == trigger.First - 1 && tokens[trigger.First].Text.StartsWith('و'))
                && HasArticle(tokens[other.First].Text) == definite);
    }

    private static bool IsOr(string word) => word is "أو" or "او" or "or";

    // A trigger shortly after a future, negated, threatened, conditional or habitual marker reports no incident.
    private static bool IsModal(PhraseMatch<(string EventType, string SubEventType, string[] Requires)> trigger,
        List<PhraseMatch<(string Kind, string Value)>> cues) =>
        cues.Any(c => c.Entry.Value.Kind == "modality"
            && (c.Last < trigger.First && trigger.First - c.Last <= (IsNoun(trigger) ? NounModalityWindow : ModalityWindow)
                || c.First > trigger.Last && c.First - trigger.Last <= 2 && c.Entry.Value.Value == "habitual"));
}
