using Platform.Text;

namespace Platform.Extraction.Engine;

// The frame of one reported event while the article is read: what it carries and how later sentences add to it.
public sealed partial class IncidentExtractor
{
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

        /// <summary>A targeting trigger without a weapon of its own: the remote violence told just before lends it its weapon.</summary>
        public bool BorrowsWeapon { get; init; }

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
        public bool HasNoOwnPlace => Places.TrueForAll(p => p.Relation is "between" || p.Relation == PlaceMentionFinder.FreeMention && !p.AfterIn);

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

        /// <summary>
        /// This frame as an event of <paramref name="earlier"/>'s kind (a definite noun pointing back at it, a strike that
        /// takes its weapon), by the same hands: the attacker told there stands in for an unidentified one.
        /// </summary>
        public Frame AsKindOf(Frame earlier)
        {
            var rules = new Dictionary<string, string>(Rules, StringComparer.Ordinal) { ["event_type"] = $"{Rules["event_type"]} (refers back to sentence {earlier.Sentence + 1})" };
            var actors = Actors.ToList();
            var inherited = earlier.Actors.Where(a => a.ActorId is not ("unidentified" or "civilians") && actors.TrueForAll(own => own.ActorId != a.ActorId)).ToList();
            if (inherited.Count > 0)
            {
                if (Rules.GetValueOrDefault("actors") == "implied:unidentified")
                {
                    actors.RemoveAll(a => a.ActorId == "unidentified");
                }
                actors.AddRange(inherited);
                rules["actors"] = $"inherited from sentence {earlier.Sentence + 1}";
            }
            return new(earlier.EventType, earlier.SubEventType, actors, Places, DateStart, DateEnd, Fatalities, Arrests, SourceCue, Evidence, rules, Sentence)
            {
                Countries = Countries,
                TriggerOffset = TriggerOffset,
            };
        }

        /// <summary>This frame as an event of <paramref name="later"/>'s type: a later sentence told what it really was.</summary>
        public Frame AsTypeOf(Frame later) =>
            new(later.EventType, later.SubEventType, Actors, Places, DateStart, DateEnd, Fatalities, Arrests, SourceCue, Evidence,
                new Dictionary<string, string>(Rules, StringComparer.Ordinal) { ["event_type"] = $"{Rules["event_type"]} ({later.Rules["event_type"]} in sentence {later.Sentence + 1})" },
                Sentence)
            {
                Countries = Countries,
                TriggerOffset = TriggerOffset,
            };

        /// <summary>A claim of responsibility: the claimant is the perpetrator, in place of an unidentified one.</summary>
        public void ClaimedBy(ActorFound claimant, int sentence)
        {
            Actors.RemoveAll(a => a.ActorId == "unidentified");
            if (Actors.TrueForAll(a => a.ActorId != claimant.ActorId))
            {
                Actors.Insert(0, claimant);
            }
            Rules["actors"] = $"claimed by {claimant.ActorId} (sentence {sentence + 1})";
        }

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
