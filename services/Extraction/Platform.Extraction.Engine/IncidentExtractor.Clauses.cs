using Platform.Text;

namespace Platform.Extraction.Engine;

// Clause frames: an event at coordinated places is an incident at each.
public sealed partial class IncidentExtractor
{
    /// <summary>
    /// An event at coordinated places ("غارات قرب حلب والرقة ودير الزور", "في منطقتي المنصور والشعلة") is an incident at
    /// each: the cue governs every conjunct. The toll, which the sentence does not divide, stays with the first.
    /// </summary>
    private static IEnumerable<Frame> Distribute(Frame frame)
    {
        var own = frame.Places.FindIndex(p => p.Relation is not ("between" or PlaceMentionFinder.FreeMention) || p.AfterIn);
        // "في تل كردي ومزارع دوما وحرستا بريف دمشق": the list after في lies inside the countryside named after it, so the
        // list's names, not the countryside, are the places.
        if (own >= 0 && frame.Places[own].Relation is "countryside-of" or "region"
            && frame.Places.FindIndex(p => p.AfterIn && Conjuncts(p.Name) is not null) is var list and >= 0)
        {
            // Each name is "in" (في governs them all) and comes first: the countryside is where they lie.
            var listed = frame.Places[list] with { Relation = "in", AfterIn = false };
            var reordered = new List<PlaceFound>(frame.Places.Count) { listed };
            reordered.AddRange(frame.Places.Where((_, i) => i != list));
            frame = frame with { Places = reordered };
            own = 0;
        }
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
}
