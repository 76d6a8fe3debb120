namespace Platform.Geocoding.Engine;

/// <summary>
/// A report that first sums up an event over a list of governorates ("air strikes on IS positions in Deir ez-Zor, Hasakah
/// and Raqqa over 48 hours") and then tells it in each ("11 killed in a strike on a building in al-Mayadin, east of Deir
/// ez-Zor", or "in the Hasakah countryside"): the summary's place in a governorate the details reach is those details, not
/// an incident of its own.
/// </summary>
public static class ArticleSummaries
{
    /// <summary>One incident of an article with its resolved place: its type, dates, and where its evidence starts (the
    /// incidents of one event told at a list of places share it).</summary>
    public sealed record Told(string EventType, DateOnly Start, DateOnly End, int EvidenceStart, GeocodeResult? Place);

    /// <summary>The indexes of the incidents that only sum up others of the same article.</summary>
    public static IReadOnlySet<int> Find(IReadOnlyList<Told> incidents)
    {
        ArgumentNullException.ThrowIfNull(incidents);
        var summaries = new HashSet<int>();
        foreach (var group in incidents.Select((told, index) => (told, index))
            .GroupBy(x => (x.told.EventType, x.told.EvidenceStart))
            .Where(g => g.Count() > 1 && g.All(x => x.told.Place is { NamesGovernorate: true })))
        {
            foreach (var (told, index) in group)
            {
                var detailed = incidents.Where((other, j) => j != index && other.EvidenceStart != told.EvidenceStart)
                    .Any(other => other.EventType == told.EventType && other.Start <= told.End && told.Start <= other.End
                        && other.Place is { } place && (!place.NamesGovernorate || place.Precision == 2)
                        && place.Place.CountryCode == told.Place!.Place.CountryCode && place.Place.Admin1Code == told.Place.Place.Admin1Code
                        && place.Place.Admin1Code.Length > 0);
                if (detailed)
                {
                    summaries.Add(index);
                }
            }
        }
        return summaries;
    }
}
