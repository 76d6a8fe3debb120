using Platform.Text;

namespace Platform.Extraction.Engine;

/// <summary>
/// Finds incidents in an article: sentences → lexicon triggers (with required context and a modality filter)
/// → one frame per trigger with actors, places, date and counts from the same sentence → frames without a
/// place of their own continue the previous frame (one event told in several sentences).
/// Deterministic and thread-safe; construct once and share.
/// </summary>
public sealed class IncidentExtractor(Lexicon lexicon, string version)
{
    private readonly PlaceMentionFinder _places = new(lexicon);

    /// <summary>
    /// The built-in rules and lexicons. Changes whenever they change: downstream stages key idempotency and
    /// revisions on the version an extractor stamps on its output.
    /// </summary>
    public const string Version = "extraction-0.4.0";

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
            if (sentence < SettingSentences)
            {
                setting.AddRange(SettingOf(folded, tokens));
            }
            var recent = frames.Count > 0 && sentence - frames[^1].LastSentence <= 2;
            var any = false;
            foreach (var told in FramesFor(input, folded, tokens, sentence, recent))
            {
                any = true;
                if (pendingToll is { } toll)
                {
                    told.AddToll(toll, pendingSentence);
                    pendingToll = null;
                }
                // "وشملت الهجمات ... أهداف قرب حلب": the attacks are the air strikes told before, now at more places.
                // "قتل 29 منهم في استهداف ... قرب الطبقة" after air strikes: a toll at a place of its own is one more strike.
                var frame = recent && frames[^1].EventType != told.EventType
                    && (told.RefersBack || told.TollOnly && frames[^1].EventType is "Battles" or "Explosions/Remote violence")
                    ? told.AsKindOf(frames[^1])
                    : told;
                foreach (var part in Distribute(frame))
                {
                    Collect(part, frames, leads);
                }
            }
            if (!any && TollOf(tokens) is { } count)
            {
                var coded = CodedToll(tokens) is not null;
                // "A motorcycle bomber killed at least 16 civilians": a toll told without a trigger belongs to the event
                // told just before, or else to the next one.
                if (coded && frames.Count > 0)
                {
                    // A note's coded toll is its event's: the most violent incident it told.
                    frames.OrderByDescending(f => Severity(f.EventType)).ThenBy(f => f.Sentence).First().AddToll(count, sentence, coded);
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

    /// <summary>The number killed a sentence states, unless it counts a country, a period or a movement.</summary>
    private int? TollOf(List<Token> tokens)
    {
        var cues = lexicon.Cues.FindAll(tokens);
        return CodedToll(tokens) ?? (cues.Any(c => c.Entry.Value.Kind is "total" or "modality" or "judicial") ? null : CountNear(tokens, cues, "killed"));
    }

    /// <summary>
    /// A frame with no place of its own continues the previous incident of its type (or a battle's remote violence); one
    /// before any incident is the headline's or lead's announcement; any other is an incident.
    /// </summary>
    private static void Collect(Frame frame, List<Frame> frames, List<Frame> leads)
    {
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

    private List<PlaceFound> SettingOf(FoldedText folded, List<Token> tokens)
    {
        var cues = lexicon.Cues.FindAll(tokens);
        var places = _places.Find(folded, tokens, cues).Select(p => p.Place).ToList();
        places.AddRange(cues.Where(c => c.Entry.Value.Kind == "country")
            .Select(c => new PlaceFound(OriginalText(folded, tokens, c.First, c.Last), PlaceMentionFinder.CountryMention, [c.Entry.Value.Value],
                SpanOf(folded, tokens, c.First, c.Last))));
        return places;
    }

    /// <summary>A report that tells one event twice (the lead, then the details) gives one incident.</summary>
    private static List<Frame> MergeRetellings(List<Frame> frames)
    {
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

    private static string PlaceKey(string name) =>
        string.Join(' ', Tokenizer.Tokenize(TextFolding.Fold(name)).Select(t => Tokenizer.StripArticle(t.Text)));

    /// <summary>
    /// The frames of one sentence: its lead event and, in a clause of its own ("كما أسقط ... بمدينة الرقة", "while ...
    /// in Y"), each further event told at another place. A clause's event at the lead's place, or with no place of its
    /// own, stays part of the lead ("clashes in A amid shelling of A" is one battle).
    /// </summary>
    private IEnumerable<Frame> FramesFor(ExtractionInput input, FoldedText folded, List<Token> tokens, int sentence, bool recent)
    {
        var lead = FrameFor(input, folded, tokens, sentence, recent);
        if (lead is null)
        {
            yield break;
        }
        var clauses = Clauses(tokens);
        if (clauses.Count < 2)
        {
            yield return lead;
            yield break;
        }
        var leadClause = clauses.FindIndex(c => c.Exists(t => t.Start == lead.TriggerOffset));
        var leadPlaces = PlaceKeys(FrameFor(input, folded, clauses[leadClause], sentence, recent) ?? lead);
        if (leadPlaces.Count == 0)
        {
            // "X clashed with Y while helicopters dropped barrel bombs on the Kabani area": the lead's place is the clause's.
            yield return lead;
            yield break;
        }
        var further = new List<(int Clause, Frame Frame)>();
        for (var i = 0; i < clauses.Count; i++)
        {
            if (i == leadClause || FrameFor(input, folded, clauses[i], sentence, recent) is not { HasNoOwnPlace: false } frame)
            {
                continue;
            }
            var places = PlaceKeys(frame);
            if (places.Count > 0 && !places.Overlaps(leadPlaces))
            {
                frame.Rules["event_type"] += " (own clause)";
                further.Add((i, frame));
            }
        }
        if (further.Count == 0)
        {
            yield return lead;
            yield break;
        }
        // The lead keeps the clauses that are not another event's: their actors, places and counts are its own.
        var rest = clauses.Where((_, i) => further.TrueForAll(f => f.Clause != i)).SelectMany(c => c).ToList();
        yield return FrameFor(input, folded, rest, sentence, recent) ?? lead;
        foreach (var (_, frame) in further)
        {
            yield return frame;
        }
    }

    /// <summary>
    /// An event at coordinated places ("غارات قرب حلب والرقة ودير الزور", "في منطقتي المنصور والشعلة") is an incident at
    /// each: the cue governs every conjunct. The toll, which the sentence does not divide, stays with the first.
    /// </summary>
    private static IEnumerable<Frame> Distribute(Frame frame)
    {
        var own = frame.Places.FindIndex(p => p.Relation is not ("between" or PlaceMentionFinder.FreeMention));
        if (own < 0)
        {
            yield return frame;
            yield break;
        }
        var place = frame.Places[own];
        var parts = Conjuncts(place.Name)?.Select(name => place with { Name = name }).ToList();
        if (parts is null && place.Relation != "between"
            && place.Hints.Select((hint, index) => (Parts: Conjuncts(hint), Index: index)).FirstOrDefault(h => h.Parts is not null) is { Parts: { } hinted } found)
        {
            // "في منطقتي الفلاحات غربي الفلوجة وصبيحات شرقيها": the conjunct after the direction's city is a second place.
            var hints = place.Hints.ToList();
            hints[found.Index] = hinted[0];
            parts = [place with { Hints = hints }, .. hinted.Skip(1).Select(name => place with { Name = name, Hints = [] })];
        }
        if (parts is null)
        {
            yield return frame;
            yield break;
        }
        for (var i = 0; i < parts.Count; i++)
        {
            var places = new List<PlaceFound>(frame.Places);
            places[own] = parts[i];
            var rules = new Dictionary<string, string>(frame.Rules, StringComparer.Ordinal) { ["place"] = $"{frame.Rules.GetValueOrDefault("place")} (conjunct {i + 1} of {parts.Count})" };
            yield return new Frame(frame.EventType, frame.SubEventType, [.. frame.Actors], places, frame.DateStart, frame.DateEnd,
                i == 0 ? frame.Fatalities : null, i == 0 ? frame.Arrests : null, frame.SourceCue, frame.Evidence, rules, frame.Sentence)
            {
                Countries = frame.Countries,
                TriggerOffset = frame.TriggerOffset,
            };
        }
    }

    /// <summary>
    /// The conjuncts of an Arabic place name run: "حلب والرقة ودير الزور" is حلب، الرقة، دير الزور. A word that merely
    /// begins with و ("وادي", "واسط") is no conjunct; و before the article is ("والرقة").
    /// </summary>
    private static List<string>? Conjuncts(string name)
    {
        if (!Tokenizer.IsArabic(name))
        {
            return null;
        }
        var words = name.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var parts = new List<string>();
        var current = new List<string>();
        foreach (var word in words)
        {
            if (current.Count > 0 && word.Length > 3 && word[0] == 'و' && (word[1] != 'ا' || word[2] == 'ل'))
            {
                parts.Add(string.Join(' ', current));
                current = [word[1..]];
                continue;
            }
            current.Add(word);
        }
        parts.Add(string.Join(' ', current));
        return parts.Count > 1 ? parts : null;
    }

    private static HashSet<string> PlaceKeys(Frame frame) =>
        frame.Places.Where(p => p.Relation is not ("between" or PlaceMentionFinder.FreeMention)).Select(p => PlaceKey(p.Name)).ToHashSet(StringComparer.Ordinal);

    /// <summary>The sentence cut before each clause connector ("كما", "فيما", "while", "meanwhile").</summary>
    private List<List<Token>> Clauses(List<Token> tokens)
    {
        var cuts = lexicon.Cues.FindAll(tokens).Where(c => c.Entry.Value.Kind == "clause" && c.First > 0).Select(c => c.First).Distinct().Order().ToList();
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

    /// <param name="recent">An incident was told in the last two sentences: a definite generic noun ("الهجمات", "the
    /// attacks") may point back at it and needs no anchor of its own.</param>
    private Frame? FrameFor(ExtractionInput input, FoldedText folded, List<Token> tokens, int sentence, bool recent)
    {
        // The most violent event the sentence reports leads its frame: a clash that ends a confrontation with a
        // patrol is a clash, not a patrol.
        var candidates = lexicon.Triggers.FindAll(tokens);
        if (candidates.Count == 0)
        {
            // Most sentences report nothing: they cost a trigger scan and no more.
            return null;
        }
        var cues = lexicon.Cues.FindAll(tokens);
        var trigger = candidates
            .Where(match => (RequirementsMet(match, tokens, cues) || recent && RefersBack(match, tokens)) && !IsModal(match, cues) && !IsNamedNotReported(match, tokens, cues, candidates))
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

        var actorMatches = lexicon.Actors.FindAll(tokens);
        var actors = actorMatches
            .GroupBy(m => m.Entry.Value)
            .Select(g => new ActorFound(g.Key, OriginalText(folded, tokens, g.First().First, g.First().Last)))
            .ToList();
        AddForcesByNationality(actors, tokens, cues, folded, actorMatches.Select(m => (m.First, m.Last)).ToList());
        AddImpliedActors(trigger.Entry.Value.EventType, actors, cues, OriginalText(folded, tokens, trigger.First, trigger.Last), rules);

        var places = _places.Find(folded, tokens, cues,
            actorMatches.Select(m => (m.First, m.Last)).Concat(candidates.Select(m => (m.First, m.Last))));
        var (dateStart, dateEnd, dateRule) = ResolveDate(input.PublishedOn, tokens, cues, trigger.First);
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
            && cues.Any(c => c.Entry.Value.Kind == "combatant" && IsVictimPosition(tokens, c.First, trigger))
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
        else if ((eventType, subEventType) is ("Explosions/Remote violence", "Shelling/artillery/missile attack")
            && cues.Any(c => c.Entry.Value.Kind == "reciprocal"))
        {
            // "regime forces and HTS exchanged shelling": both sides fire, which ACLED codes as an armed clash.
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
            TollOnly = (eventType, subEventType) is ("Violence against civilians", "Attack") && IsKilling(trigger, cues)
                && !cues.Any(c => c.Entry.Value.Kind == "victim"),
            KillingWord = IsKilling(trigger, cues),
        };
    }

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
        for (var i = at + 1; i < trigger.First; i++)
        {
            if (tokens[i].Text is "was" or "were" or "been")
            {
                return true;
            }
        }
        return false;
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

    private static bool IsGenericAttack(string phrase) => GenericAttackWords.Contains(Tokenizer.StripArticle(TextFolding.Fold(phrase)));

    /// <summary>The name in a trigger's "requires" column that stands for any word of the "eventive" cue list.</summary>
    public const string EventiveContext = "@eventive";

    // A noun such as "اغتيال" (assassination) is as often talked about as reported; it reports an event only with
    // something that anchors it: a time ("أمس"), a toll ("قتلى"), a verb of occurrence ("وقع", "أسفر").
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

    private static bool RequirementsMet(PhraseMatch<(string EventType, string SubEventType, string[] Requires)> trigger,
        List<Token> tokens, List<PhraseMatch<(string Kind, string Value)>> cues)
    {
        var requires = trigger.Entry.Value.Requires;
        if (requires.Length == 0)
        {
            return true;
        }
        if (requires.Contains(EventiveContext, StringComparer.Ordinal))
        {
            // The anchor must be close: a long sentence of commentary mentions "yesterday" about something else.
            // "الخطف" (the kidnapping) points back at an event already told; what follows is mostly reaction.
            // With the article, only a toll or a verb of occurrence anchors it, not a bare time word.
            var definite = HasArticle(tokens[trigger.First].Text);
            // A toll right after the trigger ("قتل 8 أشخاص", "killed 12") is the surest anchor.
            if (tokens.Skip(trigger.Last + 1).Take(2).Any(t => int.TryParse(t.Text, out var n) && n is > 0 and < MinimumYear))
            {
                return true;
            }
            // "القتل" with the article is one more crime named, not a toll: only a verb or an undetermined noun anchors.
            return cues.Any(c => (c.Entry.Value.Kind is "killed" or "eventive" && !(definite && c.Entry.Value.Value is "past" or "time"))
                && !(c.Entry.Value.Kind == "killed" && HasArticle(tokens[c.First].Text))
                && (c.Last < trigger.First || c.First > trigger.Last)
                && c.Last >= trigger.First - EventiveWindow && c.First <= trigger.Last + EventiveWindow);
        }
        return tokens.Any(t => Tokenizer.ArabicStems(t.Text).Any(stem => requires.Contains(stem, StringComparer.Ordinal)));
    }

    /// <summary>"الهجمات" / "the attacks": a definite generic noun of attack points back at an event already told.</summary>
    private static bool RefersBack(PhraseMatch<(string EventType, string SubEventType, string[] Requires)> trigger, List<Token> tokens) =>
        IsGenericAttack(trigger.Entry.Phrase)
        && (HasArticle(tokens[trigger.First].Text) || trigger.First > 0 && tokens[trigger.First - 1].Text == "the");

    /// <summary>
    /// A noun trigger (one that needs an anchor) that only names an event: in a list of crimes ("القتل والخطف", "الخطف
    /// والتعذيب": joined by و to another trigger), or in a sentence about a trial, a charge, an inquiry or an anniversary.
    /// </summary>
    private static bool IsNamedNotReported(PhraseMatch<(string EventType, string SubEventType, string[] Requires)> trigger, List<Token> tokens,
        List<PhraseMatch<(string Kind, string Value)>> cues, List<PhraseMatch<(string EventType, string SubEventType, string[] Requires)>> candidates)
    {
        if (cues.Any(c => c.Entry.Value.Kind == "total") && (trigger.Entry.Value.EventType is "Protests" || IsKilling(trigger, cues)))
        {
            return true;
        }
        if (!trigger.Entry.Value.Requires.Contains(EventiveContext, StringComparer.Ordinal))
        {
            return false;
        }
        if (cues.Any(c => c.Entry.Value.Kind == "judicial"))
        {
            return true;
        }
        if (cues.Any(c => c.Entry.Value.Kind == "total") && (trigger.Entry.Value.EventType is "Protests" || IsKilling(trigger, cues)))
        {
            // "119 killed across Syria", "حركة احتجاجات منذ ما يقرب من عامين": a total or a movement, not an incident.
            return true;
        }
        return candidates.Any(other => !ReferenceEquals(other, trigger)
            && (other.First == trigger.Last + 1 && tokens[other.First].Text.StartsWith('و') || other.Last == trigger.First - 1 && tokens[trigger.First].Text.StartsWith('و'))
            && HasArticle(tokens[other.First].Text) && HasArticle(tokens[trigger.First].Text));
    }

    // A trigger shortly after a future, negated, threatened, conditional or habitual marker reports no incident.
    private static bool IsModal(PhraseMatch<(string EventType, string SubEventType, string[] Requires)> trigger,
        List<PhraseMatch<(string Kind, string Value)>> cues) =>
        cues.Any(c => c.Entry.Value.Kind == "modality"
            && (c.Last < trigger.First && trigger.First - c.Last <= (trigger.Entry.Value.Requires.Contains(EventiveContext, StringComparer.Ordinal) ? NounModalityWindow : ModalityWindow)
                || c.First > trigger.Last && c.First - trigger.Last <= 2 && c.Entry.Value.Value == "habitual"));

    /// <summary>An explicit date that ends this long before publication is background, not news.</summary>
    private const int BackgroundDays = 90;

    /// <summary>The date expression nearest the trigger decides: a sentence may date its event and its background.</summary>
    private static (DateOnly Start, DateOnly End, string Rule) ResolveDate(
        DateOnly published, List<Token> tokens, List<PhraseMatch<(string Kind, string Value)>> cues, int triggerAt)
    {
        var nearest = cues.Where(c => c.Entry.Value.Kind is "month" or "weekday" || c.Entry.Value is ("date", "yesterday" or "last-week"))
            .OrderBy(c => Math.Abs(c.First - triggerAt))
            .FirstOrDefault();
        switch (nearest?.Entry.Value)
        {
            case ("month", _):
                return ExplicitDate(published, tokens, nearest);
            case ("date", "yesterday"):
                return (published.AddDays(-1), published.AddDays(-1), "date:yesterday");
            case ("date", "last-week"):
                // Convention: "last week" is the 9 days from 13 to 5 days before publication, which covers the
                // previous calendar week whether the writer's week starts on Saturday, Sunday or Monday.
                return (published.AddDays(-13), published.AddDays(-5), "date:last-week");
            case ("weekday", var day):
                var target = (DayOfWeek)int.Parse(day, System.Globalization.CultureInfo.InvariantCulture);
                var back = ((int)published.DayOfWeek - (int)target + 7) % 7;
                return (published.AddDays(-back), published.AddDays(-back), "date:weekday");
            default:
                // An event a news report gives no date of its own happened by the day it was published, usually the day
                // before or that day (gold/README.md's convention).
                return cues.Any(c => c.Entry.Value is ("date", "today"))
                    ? (published, published, "date:today")
                    : (published.AddDays(-1), published, "date:publication");
        }
    }

    /// <summary>
    /// "24 January 2020", "January 24", "في آذار 2018", "in March": a day and a year around a month name. Without a
    /// year the month is the latest one on or before publication; without a day the range is the whole month.
    /// </summary>
    private static (DateOnly Start, DateOnly End, string Rule) ExplicitDate(
        DateOnly published, List<Token> tokens, PhraseMatch<(string Kind, string Value)> month)
    {
        var number = int.Parse(month.Entry.Value.Value, System.Globalization.CultureInfo.InvariantCulture);
        int? Number(int index, int min, int max) =>
            index >= 0 && index < tokens.Count
            && int.TryParse(tokens[index].Text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
            && n >= min && n <= max ? n : null;
        var day = Number(month.First - 1, 1, 31) ?? Number(month.Last + 1, 1, 31);
        var year = Number(month.Last + 1, 1900, 2100) ?? Number(month.Last + 2, 1900, 2100);
        if (year is null)
        {
            year = number <= published.Month ? published.Year : published.Year - 1;
        }
        var first = new DateOnly(year.Value, number, 1);
        if (day is { } d && d <= DateTime.DaysInMonth(year.Value, number))
        {
            var date = new DateOnly(year.Value, number, d);
            return (date, date, "date:explicit-day");
        }
        return (first, first.AddMonths(1).AddDays(-1), "date:explicit-month");
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
            var count = CountedAfter(tokens, cues, word.Last + 1) ?? CountedBefore(tokens, cues, word.First - 1, passive ? 6 : 2)
                ?? (kind == "killed" ? OnePerson(tokens, word.Last + 1) ?? (passive ? OnePersonBefore(tokens, word.First) : null) : null);
            if (count is not null)
            {
                total = Math.Max(total ?? 0, count.Value);
            }
        }
        return total;
    }

    private static int? CountedAfter(List<Token> tokens, List<PhraseMatch<(string Kind, string Value)>> cues, int from)
    {
        int? total = null;
        var position = from;
        var window = 3;
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
        Enumerable.Range(from, at - from).Any(i => tokens[i].Text is "and" or "و" or "while") || at > from && JoinedByAnd(tokens, from, at);

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

    private sealed record Frame(
        string EventType, string SubEventType, List<ActorFound> Actors, List<PlaceFound> Places,
        DateOnly DateStart, DateOnly DateEnd, int? Fatalities, int? Arrests, string? SourceCue, Span Evidence,
        Dictionary<string, string> Rules, int Sentence)
    {
        public int? Fatalities { get; private set; } = Fatalities;
        public int? Arrests { get; private set; } = Arrests;
        public int LastSentence { get; private set; } = Sentence;
        public int MergedSentences { get; private set; }

        /// <summary>The trigger is a definite generic noun ("الهجمات", "the attacks"): the event told before, not a new kind.</summary>
        public bool RefersBack { get; init; }

        /// <summary>The trigger is a killing word and the sentence names no civilian victim: a toll, perhaps of an event told before.</summary>
        public bool TollOnly { get; init; }

        /// <summary>The trigger is a killing word ("killed", "قتل"): with no place of its own, the toll of the event before.</summary>
        public bool KillingWord { get; init; }

        /// <summary>Where the trigger begins in the folded text.</summary>
        public int TriggerOffset { get; init; }

        /// <summary>The countries the sentence names (relation "country").</summary>
        public List<PlaceFound> Countries { get; init; } = [];

        // "بين المطلوبين والقوات" is as often two parties as two places: a sentence whose only places come from
        // "between" may still continue the event before it.
        // A free mention (a name no cue introduced) may be no place at all: only the geocoder can tell.
        public bool HasNoOwnPlace => Places.TrueForAll(p => p.Relation is "between" or PlaceMentionFinder.FreeMention);

        /// <summary>A later sentence that names no place of its own tells more of this event.</summary>
        public void Absorb(Frame later)
        {
            foreach (var actor in later.Actors.Where(a => Actors.TrueForAll(existing => existing.ActorId != a.ActorId)))
            {
                Actors.Add(actor);
            }
            foreach (var field in new[] { "fatalities", "arrests" })
            {
                if (later.Rules.TryGetValue(field, out var rule) && !Rules.ContainsKey(field))
                {
                    Rules[field] = $"{rule} (sentence {later.Sentence + 1})";
                }
            }
            Countries.AddRange(later.Countries);
            Fatalities = Max(Fatalities, later.Fatalities);
            Arrests = Max(Arrests, later.Arrests);
            LastSentence = Math.Max(LastSentence, later.Sentence);
            MergedSentences++;
            Rules["merged"] = $"{MergedSentences} more sentence(s)";
        }

        /// <summary>This frame as an event of <paramref name="earlier"/>'s kind (a definite noun pointing back at it).</summary>
        public Frame AsKindOf(Frame earlier) =>
            new(earlier.EventType, earlier.SubEventType, Actors, Places, DateStart, DateEnd, Fatalities, Arrests, SourceCue, Evidence,
                new Dictionary<string, string>(Rules, StringComparer.Ordinal) { ["event_type"] = $"{Rules["event_type"]} (refers back to sentence {earlier.Sentence + 1})" },
                Sentence)
            {
                Countries = Countries,
                TriggerOffset = TriggerOffset,
            };

        /// <summary>A toll a sentence without a trigger of its own tells of this event.</summary>
        public void AddToll(int count, int sentence, bool coded = false)
        {
            if (coded || Fatalities is null || count > Fatalities && !Rules.GetValueOrDefault("fatalities", "").StartsWith("coded", StringComparison.Ordinal))
            {
                Fatalities = count;
                Rules["fatalities"] = coded ? $"coded toll (sentence {sentence + 1})" : $"count:killed-words (sentence {sentence + 1}, no trigger)";
            }
        }

        private static int? Max(int? a, int? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);

        public IncidentFound ToIncident() => new(
            EventType, SubEventType, Actors, Places, DateStart, DateEnd, Fatalities, Arrests, SourceCue, Evidence, Rules);
    }
}
