using System.Globalization;

namespace Platform.Cli.Evaluation;

/// <summary>The scores of one group of articles (all, or one language).</summary>
public sealed record Scores(
    int Articles,
    int GoldIncidents,
    int PredictedIncidents,
    int TruePositives,
    int FalsePositives,
    int FalseNegatives,
    double IncidentPrecision,
    double IncidentRecall,
    double IncidentF1,
    double SubEventAccuracy,
    double ActorF1,
    double FatalitiesExact,
    double FatalitiesExactWithDeaths,
    int PairsWithDeaths,
    double LocationWithin1Km,
    double LocationWithin10Km,
    double LocationErrorKmMedian,
    double LocationErrorKmP90,
    int LocatedPairs,
    double LocatedWithin1Km,
    double LocatedWithin10Km,
    double LocatedWithoutPlace);

/// <summary>A matched pair: a prediction and the gold incident it was matched to.</summary>
public sealed record MatchedPair(GoldIncident Gold, GoldIncident Predicted, double DistanceKm);

/// <summary>
/// Scores predictions as gold/README.md describes. A prediction matches a gold incident of the same article
/// when the event types are equal, the locations are within 25 km and the date ranges overlap; matching is
/// one-to-one, closest pairs first. Optional gold incidents neither count when missed nor make a matching
/// prediction a false positive. Attribute scores are taken over the true-positive pairs; actor F1 is micro-averaged
/// over them (shared actor ids over predicted and gold ids); a missing fatality count counts as 0.
/// </summary>
public static class Scorer
{
    public const double MatchRadiusKm = 25;

    /// <param name="Located">
    /// Pairs matched on event type and dates alone (one-to-one, closest first), wherever the prediction was placed: the
    /// location scores over them say how well places are found, apart from whether the incident was.
    /// </param>
    /// <param name="Spurious">The predictions counted as false positives.</param>
    public sealed record ArticleResult(string Language, int Gold, int Predicted, int FalsePositives, int FalseNegatives, List<MatchedPair> Pairs,
        List<MatchedPair> Located, List<GoldIncident> Spurious);

    public static ArticleResult ScoreArticle(string language, IReadOnlyList<GoldIncident> gold, IReadOnlyList<GoldIncident> predicted)
    {
        var candidates = new List<(int Gold, int Predicted, double Distance)>();
        for (var g = 0; g < gold.Count; g++)
        {
            for (var p = 0; p < predicted.Count; p++)
            {
                if (Matches(gold[g], predicted[p], out var distance))
                {
                    candidates.Add((g, p, distance));
                }
            }
        }
        var usedGold = new HashSet<int>();
        var usedPredicted = new HashSet<int>();
        var pairs = new List<MatchedPair>();
        var optionalMatches = 0;
        // Required gold first, closest pairs first; optional gold only takes what is left, so it never takes a
        // prediction a required incident needs.
        foreach (var (g, p, distance) in candidates.OrderBy(c => gold[c.Gold].Optional).ThenBy(c => c.Distance))
        {
            if (usedGold.Contains(g) || usedPredicted.Contains(p))
            {
                continue;
            }
            usedGold.Add(g);
            usedPredicted.Add(p);
            if (gold[g].Optional)
            {
                optionalMatches++;
            }
            else
            {
                pairs.Add(new MatchedPair(gold[g], predicted[p], distance));
            }
        }
        var required = gold.Count(g => !g.Optional);
        var falsePositives = predicted.Count - pairs.Count - optionalMatches;
        var spurious = predicted.Where((_, p) => !usedPredicted.Contains(p)).ToList();
        return new ArticleResult(language, required, predicted.Count, falsePositives, required - pairs.Count, pairs, MatchOnTypeAndDate(gold, predicted),
            spurious);
    }

    /// <summary>Required gold incidents paired with predictions of the same event type and overlapping dates, closest first.</summary>
    public static List<MatchedPair> MatchOnTypeAndDate(IReadOnlyList<GoldIncident> gold, IReadOnlyList<GoldIncident> predicted)
    {
        var candidates = new List<(int Gold, int Predicted, double Distance)>();
        for (var g = 0; g < gold.Count; g++)
        {
            for (var p = 0; p < predicted.Count; p++)
            {
                if (!gold[g].Optional && gold[g].EventType == predicted[p].EventType && gold[g].Date is { } a && predicted[p].Date is { } b && Overlap(a, b))
                {
                    candidates.Add((g, p, Distance(gold[g], predicted[p])));
                }
            }
        }
        var usedGold = new HashSet<int>();
        var usedPredicted = new HashSet<int>();
        var pairs = new List<MatchedPair>();
        foreach (var (g, p, distance) in candidates.OrderBy(c => c.Distance))
        {
            if (usedGold.Contains(g) || usedPredicted.Contains(p))
            {
                continue;
            }
            usedGold.Add(g);
            usedPredicted.Add(p);
            pairs.Add(new MatchedPair(gold[g], predicted[p], distance));
        }
        return pairs;
    }

    /// <summary>Kilometres between the two incidents' places; infinity when either has none.</summary>
    public static double Distance(GoldIncident gold, GoldIncident predicted) =>
        gold.Location is null || predicted.Location is null
            ? double.PositiveInfinity
            : HaversineKm(gold.Location.Latitude, gold.Location.Longitude, predicted.Location.Latitude, predicted.Location.Longitude);

    public static bool Matches(GoldIncident gold, GoldIncident predicted, out double distanceKm)
    {
        distanceKm = double.PositiveInfinity;
        if (gold.EventType != predicted.EventType || gold.Location is null || predicted.Location is null
            || gold.Date is null || predicted.Date is null)
        {
            return false;
        }
        distanceKm = Distance(gold, predicted);
        return distanceKm <= MatchRadiusKm && Overlap(gold.Date, predicted.Date);
    }

    public static bool Overlap(GoldDate a, GoldDate b) =>
        string.CompareOrdinal(a.Start, b.End) <= 0 && string.CompareOrdinal(b.Start, a.End) <= 0;

    public static double HaversineKm(double lat1, double lon1, double lat2, double lon2) =>
        Platform.Text.GreatCircle.Km(lat1, lon1, lat2, lon2);

    public static Scores Aggregate(IReadOnlyList<ArticleResult> results)
    {
        var pairs = results.SelectMany(r => r.Pairs).ToList();
        var truePositives = pairs.Count;
        var falsePositives = results.Sum(r => r.FalsePositives);
        var falseNegatives = results.Sum(r => r.FalseNegatives);
        var precision = Ratio(truePositives, truePositives + falsePositives);
        var recall = Ratio(truePositives, truePositives + falseNegatives);
        var sharedActors = pairs.Sum(p => p.Predicted.Actors.Distinct().Intersect(p.Gold.Actors).Count());
        var actorPrecision = Ratio(sharedActors, pairs.Sum(p => p.Predicted.Actors.Distinct().Count()));
        var actorRecall = Ratio(sharedActors, pairs.Sum(p => p.Gold.Actors.Distinct().Count()));
        var errors = pairs.Select(p => p.DistanceKm).Order().ToList();
        var located = results.SelectMany(r => r.Located).ToList();
        return new Scores(
            results.Count,
            results.Sum(r => r.Gold),
            results.Sum(r => r.Predicted),
            truePositives,
            falsePositives,
            falseNegatives,
            precision,
            recall,
            F1(precision, recall),
            Ratio(pairs.Count(p => p.Predicted.SubEventType == p.Gold.SubEventType), truePositives),
            F1(actorPrecision, actorRecall),
            Ratio(pairs.Count(p => (p.Predicted.Fatalities ?? 0) == (p.Gold.Fatalities ?? 0)), truePositives),
            Ratio(pairs.Count(p => p.Gold.Fatalities > 0 && p.Predicted.Fatalities == p.Gold.Fatalities), pairs.Count(p => p.Gold.Fatalities > 0)),
            pairs.Count(p => p.Gold.Fatalities > 0),
            Ratio(errors.Count(e => e <= 1), truePositives),
            Ratio(errors.Count(e => e <= 10), truePositives),
            Percentile(errors, 0.5),
            Percentile(errors, 0.9),
            located.Count,
            Ratio(located.Count(p => p.DistanceKm <= 1), located.Count),
            Ratio(located.Count(p => p.DistanceKm <= 10), located.Count),
            Ratio(located.Count(p => p.Predicted.Location is null), located.Count));
    }

    private static double Ratio(int part, int whole) => whole == 0 ? 0 : (double)part / whole;

    private static double F1(double precision, double recall) => precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);

    /// <summary>Nearest-rank percentile; 0 for no values.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double fraction)
    {
        if (sorted.Count == 0)
        {
            return 0;
        }
        var rank = (int)Math.Ceiling(fraction * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    public static string Format(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);
}
