using System.Globalization;
using System.Text.Json.Serialization;
using Platform.Geocoding.Engine;

namespace Platform.Cli.Evaluation;

/// <summary>One incident the engines got wrong, with the gold and predicted fields side by side.</summary>
public sealed record EvaluationError
{
    [JsonPropertyName("article")] public string Article { get; init; } = "";
    /// <summary>missed, spurious or misplaced.</summary>
    [JsonPropertyName("kind")] public string Kind { get; init; } = "";
    [JsonPropertyName("reason")] public string Reason { get; init; } = "";
    [JsonPropertyName("distance_km"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? DistanceKm { get; init; }
    [JsonPropertyName("gold"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public GoldIncident? Gold { get; init; }
    [JsonPropertyName("predicted"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public GoldIncident? Predicted { get; init; }
}

/// <summary>
/// Explains an article's score: every required gold incident that was missed, every false positive, and every matched
/// incident placed more than a kilometre off, each with the reason an analyst would look at first.
/// </summary>
public static class ErrorAnalysis
{
    public const double MisplacedKm = 1;

    public static List<EvaluationError> Explain(string articleId, IReadOnlyList<GoldIncident> gold, IReadOnlyList<GoldIncident> predicted,
        Scorer.ArticleResult result)
    {
        var errors = new List<EvaluationError>();
        foreach (var pair in result.Pairs.Where(p => p.DistanceKm > MisplacedKm))
        {
            errors.Add(new EvaluationError
            {
                Article = articleId, Kind = "misplaced", Reason = PlaceReason(pair.Gold, pair.Predicted, pair.DistanceKm),
                DistanceKm = Round(pair.DistanceKm), Gold = pair.Gold, Predicted = pair.Predicted,
            });
        }
        var matchedGold = result.Pairs.Select(p => p.Gold).ToHashSet(ReferenceEqualityComparer.Instance);
        foreach (var missed in gold.Where(g => !g.Optional && !matchedGold.Contains(g)))
        {
            var (reason, closest) = MissReason(missed, predicted, result);
            errors.Add(new EvaluationError
            {
                Article = articleId, Kind = "missed", Reason = reason,
                DistanceKm = closest is null ? null : Round(Scorer.Distance(missed, closest)), Gold = missed, Predicted = closest,
            });
        }
        foreach (var spurious in result.Spurious)
        {
            var sameKind = gold.Where(g => g.EventType == spurious.EventType && g.Date is { } a && spurious.Date is { } b && Scorer.Overlap(a, b))
                .OrderBy(g => Scorer.Distance(g, spurious)).FirstOrDefault();
            var reason = sameKind is null
                ? gold.Count == 0 ? "the article reports no incident" : "no gold incident of this type and date"
                : spurious.Location is null ? "place not found"
                : matchedGold.Contains(sameKind) ? "a second report of a gold incident already matched"
                : PlaceReason(sameKind, spurious, Scorer.Distance(sameKind, spurious));
            errors.Add(new EvaluationError
            {
                Article = articleId, Kind = "spurious", Reason = reason,
                DistanceKm = sameKind is null || spurious.Location is null ? null : Round(Scorer.Distance(sameKind, spurious)),
                Gold = sameKind, Predicted = spurious,
            });
        }
        return errors;
    }

    private static (string Reason, GoldIncident? Closest) MissReason(GoldIncident missed, IReadOnlyList<GoldIncident> predicted, Scorer.ArticleResult result)
    {
        if (result.Located.FirstOrDefault(p => ReferenceEquals(p.Gold, missed)) is { } located)
        {
            return (located.Predicted.Location is null ? "place not found" : PlaceReason(missed, located.Predicted, located.DistanceKm), located.Predicted);
        }
        if (predicted.Count == 0)
        {
            return ("no trigger", null);
        }
        var sameType = predicted.Where(p => p.EventType == missed.EventType).OrderBy(p => Scorer.Distance(missed, p)).FirstOrDefault();
        if (sameType is not null && sameType.Date is { } d && missed.Date is { } m && Scorer.Overlap(d, m))
        {
            // The article reports more events of this type than were found: the prediction went to another of them.
            return ("one incident found for several of this type and date", sameType);
        }
        if (sameType is not null)
        {
            return ($"date differs ({sameType.Date?.Start}..{sameType.Date?.End} for {missed.Date?.Start}..{missed.Date?.End})", sameType);
        }
        var other = predicted.OrderBy(p => Scorer.Distance(missed, p)).First();
        return ($"type differs ({other.EventType})", other);
    }

    /// <summary>"wrong homonym" when the predicted place carries the gold place's name (another place of that name).</summary>
    private static string PlaceReason(GoldIncident gold, GoldIncident predicted, double distanceKm)
    {
        if (predicted.Location is null)
        {
            return "place not found";
        }
        var km = distanceKm.ToString("0.#", CultureInfo.InvariantCulture);
        var sameName = gold.Location is { } g && (Gazetteer.NameKey(g.Name) == Gazetteer.NameKey(predicted.Location.Name)
            || Gazetteer.Skeleton(g.Name) is { Length: > 1 } skeleton && skeleton == Gazetteer.Skeleton(predicted.Location.Name));
        return sameName ? $"wrong homonym at {km} km" : $"wrong place at {km} km ({predicted.Location.Name} for {gold.Location?.Name})";
    }

    private static double Round(double km) => double.IsFinite(km) ? Math.Round(km, 1) : -1;
}
