using Platform.Text;

namespace Platform.Extraction.Engine;

/// <summary>
/// Finds incidents in an article: sentences → lexicon triggers (with required context and a modality filter)
/// → one frame per trigger with actors, places, date and counts from the same sentence → frames without a
/// place of their own continue the previous frame (one event told in several sentences).
/// Deterministic and thread-safe; construct once and share.
/// </summary>
public sealed partial class IncidentExtractor(Lexicon lexicon, string version)
{
    private readonly PlaceMentionFinder _places = new(lexicon);

    /// <summary>
    /// The built-in rules and lexicons. Changes whenever they change: downstream stages key idempotency and
    /// revisions on the version an extractor stamps on its output.
    /// </summary>
    public const string Version = "extraction-0.7.1";

    /// <summary>The version stamped on this extractor's output: <see cref="Version"/>, or a changed lexicon's own.</summary>
    public string OutputVersion { get; } = version;

    public IncidentExtractor(Lexicon lexicon) : this(lexicon, Version)
    {
    }

    /// <summary>The earliest publication year the engine accepts (relative dates reach back from it).</summary>
    public const int MinimumYear = 1900;

    private const int ModalityWindow = 4;

    // A noun trigger is named by what governs it from further away ("أدان الحزب ... أمس عملية خطف").
    private const int NounModalityWindow = 8;

    public IncidentExtractor() : this(Lexicon.LoadEmbedded())
    {
    }

    public IReadOnlyList<IncidentFound> Extract(ExtractionInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.PublishedOn.Year < MinimumYear)
        {
            throw new ArgumentOutOfRangeException(nameof(input), input.PublishedOn, $"Publication dates before {MinimumYear} are not supported.");
        }
        if (string.IsNullOrWhiteSpace(input.Text))
        {
            return [];
        }
        var folded = TextFolding.FoldWithOffsets(input.Text);
        var frames = new List<Frame>();
        var leads = new List<Frame>();
        var setting = new List<PlaceFound>();
        var sentence = -1;
        int? pendingToll = null;
        var pendingSentence = 0;
        foreach (var (start, end) in Sentences(folded.Folded))
        {
            sentence++;
            var tokens = Tokenizer.Tokenize(folded.Folded, start, end);
            if (tokens.Count == 0)
            {
                continue;
            }
            // One cue scan per sentence serves its lead frame, its setting, its claim and its toll.
            var cues = lexicon.Cues.FindAll(tokens);
            // The headline and lead's places are their setting and, for the event they tell, its places: found once.
            var sentencePlaces = sentence < SettingSentences ? _places.Find(folded, tokens, cues) : null;
            if (sentencePlaces is not null)
            {
                setting.AddRange(SettingOf(folded, tokens, cues, sentencePlaces));
            }
            // "قد تكون إسرائيل من اغتالت الحريري؟": a question asks whether an event happened, it reports none.
            if (end < folded.Folded.Length && folded.Folded[end] is '?' or '؟')
            {
                continue;
            }
            var recentType = frames.Count > 0 && sentence - frames[^1].LastSentence <= 2 ? frames[^1].EventType : null;
            var recent = recentType is not null;
            var any = false;
            // "the next day", "اليوم السابق": counted from the date of the event told just before, when it has one of its own.
            DateOnly? reference = recent && frames[^1].Rules["date"] != "date:publication" ? frames[^1].DateStart : null;
            foreach (var told in FramesFor(input, folded, tokens, cues, sentencePlaces, sentence, recentType, reference))
            {
                any = true;
                if (pendingToll is { } toll)
                {
                    told.AddToll(toll, pendingSentence);
                    pendingToll = null;
                }
                // "وشملت الهجمات ... أهداف قرب حلب": the attacks are the air strikes told before, now at more places.
                // "قتل 29 منهم في استهداف ... قرب الطبقة" after air strikes: a toll at a place of its own is one more strike.
                // "جراء استهداف مبنى ... في الميادين" after air strikes: the targeting is one more strike.
                var frame = recent && (frames[^1].EventType != told.EventType
                    && (told.RefersBack || told.TollOnly && frames[^1].EventType is "Battles" or "Explosions/Remote violence")
                    || told.BorrowsWeapon)
                    ? told.AsKindOf(frames[^1])
                    : told;
                foreach (var part in Distribute(frame))
                {
                    Collect(part, frames, leads);
                }
            }
            if (frames.Count + leads.Count > 0 && ClaimantOf(folded, tokens, cues) is { } claimant)
            {
                // "The Islamic State claimed responsibility for the attack": the event this sentence tells, or else the
                // one told last, was the claimant's.
                var told = frames.Where(f => f.LastSentence == sentence).ToList();
                foreach (var claimed in told.Count > 0 ? told : [frames.Count > 0 ? frames[^1] : leads[^1]])
                {
                    claimed.ClaimedBy(claimant, sentence);
                }
            }
            if (!any && TollOf(tokens, cues) is var (count, coded))
            {
                // "A motorcycle bomber killed at least 16 civilians": a toll told without a trigger belongs to the event
                // told just before, or else to the next one.
                if (coded && frames.Count + leads.Count > 0)
                {
                    // A note's coded toll is its event's: the most violent incident it told (a lead's too).
                    frames.Concat(leads).OrderByDescending(f => Severity(f.EventType)).ThenBy(f => f.Sentence).First().AddToll(count, sentence, coded);
                }
                else if (recent)
                {
                    frames[^1].AddToll(count, sentence, coded);
                }
                else
                {
                    (pendingToll, pendingSentence) = (count, sentence);
                }
            }
        }
        var firstOfType = new Dictionary<string, Frame>(StringComparer.Ordinal);
        foreach (var frame in frames)
        {
            firstOfType.TryAdd(frame.EventType, frame);
        }
        foreach (var lead in leads)
        {
            var told = firstOfType.GetValueOrDefault(lead.EventType);
            if (told is null)
            {
                frames.Add(lead);
                firstOfType[lead.EventType] = lead;
            }
            else
            {
                told.Absorb(lead);
            }
        }
        var incidents = MergeRetellings(frames.OrderBy(f => f.Sentence).ToList()).Select(f => f.ToIncident()).ToList();
        incidents = WithAllocatedTolls(input.Text, incidents);
        incidents = WithOpposingSides(incidents);
        // The countries any incident sentence or the headline names belong to the whole article, and so do the places the
        // headline and lead name: every incident carries them, for the geocoder's focus and as the article's setting
        // when the incident's own sentence names no known place.
        var countries = frames.Concat(leads).SelectMany(f => f.Countries)
            .Concat(setting.Where(p => p.Relation == PlaceMentionFinder.CountryMention))
            .DistinctBy(c => c.Hints[0]).ToList();
        // Cued names of the setting before free ones, each in text order.
        var settingPlaces = setting.Where(p => p.Relation != PlaceMentionFinder.CountryMention && p.Relation != "between")
            .DistinctBy(p => p.Span.Start)
            .OrderBy(p => p.Relation == PlaceMentionFinder.FreeMention ? 1 : 0).ThenBy(p => p.Span.Start)
            .ToList();
        if (countries.Count == 0 && settingPlaces.Count == 0)
        {
            return incidents;
        }
        return incidents.Select(incident =>
        {
            var own = incident.Places.Select(p => p.Span.Start).ToHashSet();
            var article = settingPlaces.Where(p => !own.Contains(p.Span.Start))
                .Select(p => p with { Relation = PlaceMentionFinder.ArticlePrefix + p.Relation });
            return incident with { Places = [.. incident.Places, .. article, .. countries] };
        }).ToList();
    }

    /// <summary>The number killed a sentence states, unless it counts a country, a period or a movement.</summary>
    private static (int Count, bool Coded)? TollOf(List<Token> tokens, List<PhraseMatch<(string Kind, string Value)>> cues)
    {
        if (CodedToll(tokens) is { } coded)
        {
            return (coded, true);
        }
        return cues.Any(c => c.Entry.Value.Kind is "total" or "modality" or "judicial") || CountNear(tokens, cues, "killed") is not { } count
            ? null
            : (count, false);
    }

    /// <summary>
    /// A frame with no place of its own continues the previous incident of its type (or a battle's remote violence); one
    /// before any incident is the headline's or lead's announcement; any other is an incident.
    /// </summary>
    private static void Collect(Frame frame, List<Frame> frames, List<Frame> leads)
    {
        if (frame.HasNoOwnPlace && frames.Count > 0 && frame.Sentence - frames[^1].LastSentence <= 2
            && frame.Rules["event_type"].EndsWith("(exchanged)", StringComparison.Ordinal) && frames[^1].EventType == "Explosions/Remote violence")
        {
            // "Russian forces shelled ... Turkish forces responded by shelling the Russian base": the shelling told
            // before was one side of an exchange, a battle.
            frames[^1] = frames[^1].AsTypeOf(frame);
            frames[^1].Absorb(frame);
            return;
        }
        if (frame.HasNoOwnPlace && frames.Count > 0 && frame.Sentence - frames[^1].LastSentence <= 2
            && (frames[^1].EventType == frame.EventType || frames[^1].EventType == "Battles" && frame.EventType == "Explosions/Remote violence"
                || frame.KillingWord
                // "QSD raided a house ... 8 were arrested": arrests told after a raid or a battle are part of it (after a
                // protest, they are an event of their own).
                || frame.SubEventType == "Arrests" && Severity(frames[^1].EventType) >= 3))
        {
            frames[^1].Absorb(frame);
            return;
        }
        if (frame.HasNoOwnPlace && frames.Count == 0)
        {
            // A headline or lead without a place usually announces an event the body tells in full.
            leads.Add(frame);
            return;
        }
        frames.Add(frame);
    }

    /// <summary>The headline, dateline and lead: where the article says it is, whatever its later sentences report.</summary>
    private const int SettingSentences = 3;

    private static List<PlaceFound> SettingOf(FoldedText folded, List<Token> tokens, List<PhraseMatch<(string Kind, string Value)>> cues,
        List<PlaceCandidate> sentencePlaces)
    {
        var places = sentencePlaces.Select(p => p.Place).ToList();
        places.AddRange(cues.Where(c => c.Entry.Value.Kind == "country")
            .Select(c => new PlaceFound(OriginalText(folded, tokens, c.First, c.Last), PlaceMentionFinder.CountryMention, [c.Entry.Value.Value],
                SpanOf(folded, tokens, c.First, c.Last))));
        return places;
    }

    /// <summary>
    /// A report that tells one event twice (the lead, then the details) gives one incident; so does remote violence at
    /// the place and on the day of a battle the report tells ("Clashes took place in Zamalka. In addition, warplanes
    /// shelled areas in Zamalka"): ACLED codes the shelling that goes with a battle as the battle.
    /// </summary>
    private static List<Frame> MergeRetellings(List<Frame> frames)
    {
        frames = WithSupportingFireInBattles(frames);
        var merged = new List<Frame>(frames.Count);
        var byPlace = new Dictionary<(string EventType, string Place), List<Frame>>();
        foreach (var frame in frames)
        {
            var cued = frame.Places.FirstOrDefault(p => p.Relation != PlaceMentionFinder.FreeMention);
            if (cued is null)
            {
                merged.Add(frame);
                continue;
            }
            var key = (frame.EventType, PlaceKey(cued.Name));
            if (!byPlace.TryGetValue(key, out var told))
            {
                byPlace[key] = told = [];
            }
            // A retelling that names no date of its own does not contradict the first telling's date.
            var earlier = told.Find(m => m.DateStart <= frame.DateEnd && frame.DateStart <= m.DateEnd
                || frame.Rules["date"] == "date:publication");
            if (earlier is null)
            {
                told.Add(frame);
                merged.Add(frame);
            }
            else
            {
                earlier.Absorb(frame);
            }
        }
        return merged;
    }

    private static List<Frame> WithSupportingFireInBattles(List<Frame> frames)
    {
        // Every place a frame names by a cue: the shelling of "Jobar neighborhood in Damascus city" is at the battle "in
        // areas in the vicinity of X in Jobar neighborhood in Damascus city". A countryside or region counts only when the
        // frame names nothing finer: clashes near al-Tabqa "in the Raqqa countryside" and air strikes on Tal Abyad "in the
        // Raqqa countryside" are two events at two towns, while shelling of "the Raqqa countryside" goes with a battle there.
        static IEnumerable<string> Keys(Frame f)
        {
            var cued = f.Places.Where(p => p.Relation is not ("between" or PlaceMentionFinder.FreeMention)).ToList();
            var finer = cued.Where(p => p.Relation is not ("countryside-of" or "region")).ToList();
            return (finer.Count > 0 ? finer : cued).Select(p => PlaceKey(p.Name));
        }
        var battles = new Dictionary<string, List<Frame>>(StringComparer.Ordinal);
        foreach (var frame in frames.Where(f => f.EventType == "Battles"))
        {
            foreach (var key in Keys(frame).Distinct(StringComparer.Ordinal))
            {
                (battles.TryGetValue(key, out var here) ? here : battles[key] = []).Add(frame);
            }
        }
        if (battles.Count == 0)
        {
            return frames;
        }
        var kept = new List<Frame>(frames.Count);
        foreach (var frame in frames)
        {
            var battle = frame.EventType == "Explosions/Remote violence"
                ? Keys(frame).SelectMany(key => battles.TryGetValue(key, out var there) ? there : [])
                    .FirstOrDefault(b => b.DateStart <= frame.DateEnd && frame.DateStart <= b.DateEnd)
                : null;
            if (battle is null)
            {
                kept.Add(frame);
            }
            else
            {
                battle.Absorb(frame);
            }
        }
        return kept;
    }

    private static string PlaceKey(string name) =>
        string.Join(' ', Tokenizer.Tokenize(TextFolding.Fold(name)).Select(t => Tokenizer.StripArticle(t.Text)));

    /// <summary>
    /// The frames of one sentence: its lead event and, in a clause of its own ("كما أسقط ... بمدينة الرقة", "while ...
    /// in Y"), each further event told at another place. A clause's event at the lead's place, or with no place of its
    /// own, stays part of the lead ("clashes in A amid shelling of A" is one battle).
    /// </summary>
    private IEnumerable<Frame> FramesFor(ExtractionInput input, FoldedText folded, List<Token> tokens, List<PhraseMatch<(string Kind, string Value)>> cues,
        List<PlaceCandidate>? sentencePlaces, int sentence, string? recent, DateOnly? reference)
    {
        var lead = FrameFor(input, folded, tokens, sentence, recent, reference, sentenceCues: cues, sentencePlaces: sentencePlaces);
        if (lead is null)
        {
            yield break;
        }
        var clauses = Clauses(tokens, cues);
        if (clauses.Count < 2)
        {
            yield return lead;
            yield break;
        }
        var leadClause = clauses.FindIndex(c => c.Exists(t => t.Start == lead.TriggerOffset));
        var leadPlaces = PlaceKeys(FrameFor(input, folded, clauses[leadClause], sentence, recent, reference) ?? lead);
        // A clause that gives no date of its own happened when the sentence's lead did ("On 5 March X shelled A, while Y
        // struck B"); "the day before" in it counts from the lead's date.
        SentenceDate? leadDate = lead.Rules["date"] == "date:publication" ? null : new(lead.DateStart, lead.DateEnd, lead.Rules["date"]);
        if (leadPlaces.Count == 0)
        {
            // "X clashed with Y while helicopters dropped barrel bombs on the Kabani area": the lead's place is the clause's.
            yield return lead;
            yield break;
        }
        var further = new List<(int Clause, Frame Frame)>();
        for (var i = 0; i < clauses.Count; i++)
        {
            if (i == leadClause || FrameFor(input, folded, clauses[i], sentence, recent, leadDate?.Start ?? reference, leadDate) is not { HasNoOwnPlace: false } frame)
            {
                continue;
            }
            var places = PlaceKeys(frame);
            if (places.Count > 0 && !places.Overlaps(leadPlaces))
            {
                // "كما استهدفت الهجمات ... أهداف قرب حلب": the attacks are the lead's strikes, at more places.
                var own = frame.RefersBack && frame.EventType != lead.EventType ? frame.AsKindOf(lead) : frame;
                own.Rules["event_type"] += " (own clause)";
                further.Add((i, own));
            }
        }
        if (further.Count == 0)
        {
            yield return OwnPlacesFirst(lead, leadPlaces);
            yield break;
        }
        // The lead keeps the clauses that are not another event's: their actors, places and counts are its own.
        var rest = clauses.Where((_, i) => further.TrueForAll(f => f.Clause != i)).SelectMany(c => c).ToList();
        yield return OwnPlacesFirst(FrameFor(input, folded, rest, sentence, recent, reference) ?? lead, leadPlaces);
        foreach (var (_, frame) in further)
        {
            yield return frame;
        }
    }

    /// <summary>
    /// The lead's places with those of its own clause first: "كما تجدد القصف على مدينة المعضمية، في حين ... ألحقت خسائر
    /// ... في تل كردي بريف دمشق" is a battle in Damascus countryside, not at al-Mu'adamiya, the place of the clause before.
    /// </summary>
    private static Frame OwnPlacesFirst(Frame frame, HashSet<string> clausePlaces)
    {
        var first = frame.Places.FindIndex(p => p.Relation is not ("between" or PlaceMentionFinder.FreeMention));
        if (first < 0 || clausePlaces.Contains(PlaceKey(frame.Places[first].Name)))
        {
            return frame;
        }
        var own = frame.Places.Where(p => p.Relation is not ("between" or PlaceMentionFinder.FreeMention) && clausePlaces.Contains(PlaceKey(p.Name))).ToList();
        if (own.Count == 0)
        {
            return frame;
        }
        return frame with { Places = [.. own, .. frame.Places.Where(p => !own.Contains(p))] };
    }

    /// <summary>The date the lead event of a sentence has, which its other clauses share unless they give their own.</summary>
    private sealed record SentenceDate(DateOnly Start, DateOnly End, string Rule);

    /// <summary>The sentence cut before each clause connector ("كما", "فيما", "while", "meanwhile").</summary>
    private static List<List<Token>> Clauses(List<Token> tokens, List<PhraseMatch<(string Kind, string Value)>> cues)
    {
        var cuts = cues.Where(c => c.Entry.Value.Kind == "clause" && c.First > 0).Select(c => c.First).Distinct().Order().ToList();
        var clauses = new List<List<Token>>(cuts.Count + 1);
        var start = 0;
        foreach (var cut in cuts.Append(tokens.Count))
        {
            if (cut > start)
            {
                clauses.Add(tokens.GetRange(start, cut - start));
            }
            start = cut;
        }
        return clauses;
    }

    /// <param name="recentType">The event type of the incident told in the last two sentences, if any: a definite generic noun
    /// ("الهجمات", "the attacks") may point back at it and needs no anchor of its own, and after remote violence a
    /// targeting verb without a weapon of its own ("جراء استهداف مبنى") takes the weapon told before.</param>
    /// <param name="reference">The date "the day before" and "the next day" count from (see <see cref="ResolveDate"/>).</param>
    /// <param name="sentenceDate">The date of the sentence's lead event, for a clause that gives none of its own.</param>
    /// <param name="sentenceCues">The cues of <paramref name="tokens"/>, when already found.</param>
    /// <param name="sentencePlaces">The place mentions of <paramref name="tokens"/>, when already found.</param>
    // How far after an arrest verb the fighters it captured are named ("اعتقلت هيئة تحرير الشام عنصرين من حراس الدين"):
    // a soldier named further on is someone else in the story.
    private const int ArrestedCombatantWindow = 6;

    private Frame? FrameFor(ExtractionInput input, FoldedText folded, List<Token> tokens, int sentence, string? recentType,
        DateOnly? reference = null, SentenceDate? sentenceDate = null, List<PhraseMatch<(string Kind, string Value)>>? sentenceCues = null,
        List<PlaceCandidate>? sentencePlaces = null)
    {
        var recent = recentType is not null;
        // The most violent event the sentence reports leads its frame: a clash that ends a confrontation with a
        // patrol is a clash, not a patrol.
        var candidates = lexicon.Triggers.FindAll(tokens);
        if (candidates.Count == 0)
        {
            // Most sentences report nothing: they cost a trigger scan and no more.
            return null;
        }
        var cues = sentenceCues ?? lexicon.Cues.FindAll(tokens);
        var actorMatches = lexicon.Actors.FindAll(tokens);
        var actorSpans = actorMatches.Select(m => (m.First, m.Last)).ToList();
        // Who may act: civilians are named as victims ("قتل المدنيين", the killing of civilians).
        var agents = actorMatches.Where(m => m.Entry.Value != "civilians").Select(m => (m.First, m.Last)).ToList();
        var trigger = candidates
            .Where(match => (RequirementsMet(match, tokens, cues, agents) || recent && RefersBack(match, tokens) || recentType is "Explosions/Remote violence" && NeedsWeapon(match))
                && !IsModal(match, cues) && !IsNamedNotReported(match, tokens, cues, candidates))
            .OrderByDescending(match => Severity(match, cues))
            .ThenBy(match => match.First)
            .FirstOrDefault();
        if (trigger is null)
        {
            return null;
        }
        var rules = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["event_type"] = $"trigger:{trigger.Entry.Phrase}",
        };

        var actors = actorMatches
            .GroupBy(m => m.Entry.Value)
            .Select(g => new ActorFound(g.Key, OriginalText(folded, tokens, g.First().First, g.First().Last)))
            .ToList();
        AddForcesByNationality(actors, tokens, cues, folded, actorSpans);
        AddImpliedActors(trigger.Entry.Value.EventType, actors, cues, OriginalText(folded, tokens, trigger.First, trigger.Last), rules);

        var places = sentencePlaces ?? _places.Find(folded, tokens, cues,
            actorMatches.Select(m => (m.First, m.Last)).Concat(candidates.Select(m => (m.First, m.Last))));
        var (dateStart, dateEnd, dateRule) = ResolveDate(input.PublishedOn, tokens, cues, trigger.First, reference);
        if (dateRule == "date:publication" && sentenceDate is { } told)
        {
            (dateStart, dateEnd, dateRule) = (told.Start, told.End, $"{told.Rule} (of the sentence)");
        }
        rules["date"] = dateRule;
        if (dateEnd < input.PublishedOn.AddDays(-BackgroundDays))
        {
            // "قبل انتهائه بعملية عسكرية في آذار 2018": history told as background.
            return null;
        }
        var fatalities = CountNear(tokens, cues, "killed");
        var arrests = CountNear(tokens, cues, "arrested");
        if (fatalities is not null)
        {
            rules["fatalities"] = "count:killed-words";
        }
        if (arrests is not null)
        {
            rules["arrests"] = "count:arrest-words";
        }
        if (places.Count > 0)
        {
            rules["place"] = places[0].Place.Relation == PlaceMentionFinder.FreeMention ? "mention" : $"cue:{places[0].Place.Relation}";
        }
        var source = cues.FirstOrDefault(c => c.Entry.Value.Kind == "source")?.Entry.Value.Value;

        var evidenceFirst = trigger.First;
        // The evidence runs from the trigger to the first place the text ties to it by a cue, when that follows.
        var cued = places.Find(p => p.Place.Relation != PlaceMentionFinder.FreeMention && p.FirstToken > trigger.Last);
        var evidenceLast = Math.Max(trigger.Last, cued?.LastToken ?? trigger.Last);
        var (start, length) = folded.ToOriginalSpan(tokens[evidenceFirst].Start, tokens[evidenceLast].End);
        var evidence = new Span(start, length, input.Text.Substring(start, length));

        var countries = cues.Where(c => c.Entry.Value.Kind == "country")
            .Select(c => new PlaceFound(OriginalText(folded, tokens, c.First, c.Last), PlaceMentionFinder.CountryMention, [c.Entry.Value.Value],
                SpanOf(folded, tokens, c.First, c.Last)))
            .ToList();
        var (eventType, subEventType) = (trigger.Entry.Value.EventType, trigger.Entry.Value.SubEventType);
        if ((eventType, subEventType) is ("Violence against civilians", "Attack" or "Abduction/forced disappearance") or ("Strategic developments", "Arrests")
            && cues.Any(c => c.Entry.Value.Kind == "combatant" && IsVictimPosition(tokens, c.First, trigger)
                && (subEventType != "Arrests" || c.First - trigger.Last <= ArrestedCombatantWindow))
            && !cues.Any(c => c.Entry.Value.Kind == "victim"))
        {
            // "gunmen shot and killed a QSD fighter", "HTS detained two Hurras al-Din fighters": violence against
            // combatants, their capture included, is a battle, as ACLED codes it (its civilian categories need civilians).
            (eventType, subEventType) = ("Battles", "Armed clash");
            rules["event_type"] += " (victim a combatant)";
        }
        else if ((eventType, subEventType) is ("Explosions/Remote violence", "Shelling/artillery/missile attack")
            && !cues.Any(c => c.Entry.Value.Kind == "reciprocal") && cues.Any(c => c.Entry.Value.Kind == "air-weapon"))
        {
            // "قصف بثلاثة براميل متفجرة", "warplanes shelled": the weapon is delivered from the air (ACLED codes barrel
            // bombs and helicopters as air strikes).
            subEventType = "Air/drone strike";
            rules["sub_event_type"] = "weapon:air";
        }
        else if (eventType == "Explosions/Remote violence" && IsDisrupted(trigger, cues))
        {
            // "فككت قوات الأمن أمس سيارة مفخخة", "found and defused an IED": the weapon never went off.
            (eventType, subEventType) = ("Strategic developments", "Disrupted weapons use");
            rules["event_type"] += " (disrupted)";
        }
        else if ((eventType, subEventType) is ("Explosions/Remote violence", "Shelling/artillery/missile attack" or "Air/drone strike")
            && cues.Any(c => c.Entry.Value.Kind == "reciprocal"))
        {
            // "regime forces and HTS exchanged shelling", "responded by shelling", "air defenses engaged the missiles":
            // both sides fire, which ACLED codes as an armed clash.
            (eventType, subEventType) = ("Battles", "Armed clash");
            rules["event_type"] += " (exchanged)";
        }
        return new Frame(
            eventType, subEventType, actors, places.Select(p => p.Place).ToList(),
            dateStart, dateEnd, fatalities, arrests, source, evidence, rules, sentence)
        {
            Countries = countries,
            TriggerOffset = tokens[trigger.First].Start,
            // "الهجمات" / "the attacks": a definite generic noun points back at an event already told.
            RefersBack = RefersBack(trigger, tokens),
            BorrowsWeapon = recentType is "Explosions/Remote violence" && NeedsWeapon(trigger) && !RequirementsMet(trigger, tokens, cues, agents),
            TollOnly = (eventType, subEventType) is ("Violence against civilians", "Attack") && IsKilling(trigger, cues)
                && !cues.Any(c => c.Entry.Value.Kind == "victim"),
            KillingWord = IsKilling(trigger, cues),
        };
    }

    private static Span SpanOf(FoldedText folded, List<Token> tokens, int first, int last)
    {
        var (start, length) = folded.ToOriginalSpan(tokens[first].Start, tokens[last].End);
        return new Span(start, length, folded.Original.Substring(start, length));
    }

    private static string OriginalText(FoldedText folded, List<Token> tokens, int first, int last)
    {
        var (start, length) = folded.ToOriginalSpan(tokens[first].Start, tokens[last].End);
        return folded.Original.Substring(start, length);
    }

    /// <summary>Sentence ranges of the folded text: split on full stops, question marks and line breaks.</summary>
    private static IEnumerable<(int Start, int End)> Sentences(string text)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var boundary = c is '\n' or '!' or '?' or '؟' or '۔'
                || c == '.' && !(i > 0 && char.IsDigit(text[i - 1]) && i + 1 < text.Length && char.IsDigit(text[i + 1]));
            if (boundary)
            {
                if (i > start)
                {
                    yield return (start, i);
                }
                start = i + 1;
            }
        }
        if (start < text.Length)
        {
            yield return (start, text.Length);
        }
    }
}
