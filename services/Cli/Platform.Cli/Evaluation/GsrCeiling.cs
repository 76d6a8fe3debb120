using Platform.Text;

namespace Platform.Cli.Evaluation;

/// <summary>
/// How far the arabic_event_gsr labels can be learned from the words of a sentence at all: a logistic regression
/// on folded word unigrams and bigrams (clitic و/ف and the article peeled), trained and scored by five-fold
/// cross-validation, so every sentence is scored by a model that never saw it. Not part of the extractor: a
/// measuring stick for the rule engine's figures (if a model fitted to the corpus cannot reach a precision at some
/// recall, no general rule set will).
/// </summary>
public static class GsrCeiling
{
    public sealed record Result(string Category, double BestF1, double PrecisionAtBestF1, double RecallAtBestF1, double BestPrecisionAtRecall80);

    private const int Folds = 5;
    private const int Epochs = 15;
    private const double LearningRate = 0.1;
    private const double L2 = 1e-4;

    public static Result Measure(string category, IReadOnlyList<GsrEvaluation.Sentence> sentences)
    {
        var features = sentences.Select(s => Features(s.Text)).ToArray();
        var labels = sentences.Select(s => s.Positive ? 1.0 : 0.0).ToArray();
        var order = Enumerable.Range(0, sentences.Count).ToArray();
        new Random(0).Shuffle(order);
        var scores = new double[sentences.Count];
        for (var fold = 0; fold < Folds; fold++)
        {
            var test = order.Where((_, position) => position % Folds == fold).ToArray();
            var train = order.Where((_, position) => position % Folds != fold).ToArray();
            var (weights, bias) = Train(features, labels, train);
            foreach (var i in test)
            {
                scores[i] = bias + features[i].Sum(f => weights.GetValueOrDefault(f));
            }
        }
        return Sweep(category, scores, labels);
    }

    private static (Dictionary<string, double> Weights, double Bias) Train(string[][] features, double[] labels, int[] train)
    {
        var weights = new Dictionary<string, double>(StringComparer.Ordinal);
        var bias = 0.0;
        var sequence = (int[])train.Clone();
        for (var epoch = 0; epoch < Epochs; epoch++)
        {
            new Random(epoch).Shuffle(sequence);
            foreach (var i in sequence)
            {
                var z = bias + features[i].Sum(f => weights.GetValueOrDefault(f));
                var gradient = 1 / (1 + Math.Exp(-Math.Clamp(z, -30, 30))) - labels[i];
                bias -= LearningRate * gradient;
                foreach (var f in features[i])
                {
                    var w = weights.GetValueOrDefault(f);
                    weights[f] = w - LearningRate * (gradient + L2 * w);
                }
            }
        }
        return (weights, bias);
    }

    private static Result Sweep(string category, double[] scores, double[] labels)
    {
        var positives = labels.Sum();
        var ranked = scores.Select((score, i) => (Score: score, Positive: labels[i] > 0)).OrderByDescending(x => x.Score).ToArray();
        double bestF1 = 0, bestPrecision = 0, bestRecall = 0, precisionAt80 = 0;
        var truePositives = 0;
        for (var k = 0; k < ranked.Length; k++)
        {
            truePositives += ranked[k].Positive ? 1 : 0;
            if (k + 1 < ranked.Length && ranked[k + 1].Score == ranked[k].Score)
            {
                continue; // a threshold takes every sentence of the same score
            }
            var precision = truePositives / (double)(k + 1);
            var recall = truePositives / positives;
            var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            if (f1 > bestF1)
            {
                (bestF1, bestPrecision, bestRecall) = (f1, precision, recall);
            }
            if (recall >= 0.8)
            {
                precisionAt80 = Math.Max(precisionAt80, precision);
            }
        }
        return new Result(category, bestF1, bestPrecision, bestRecall, precisionAt80);
    }

    /// <summary>Distinct folded words (without و/ف and the article) and adjacent pairs.</summary>
    public static string[] Features(string text)
    {
        var words = Tokenizer.Tokenize(TextFolding.Fold(text))
            .Select(t => t.Text)
            .Select(w => w.Length > 4 && w[0] is 'و' or 'ف' ? w[1..] : w)
            .Select(Tokenizer.StripArticle)
            .ToList();
        return words.Concat(words.Zip(words.Skip(1), (a, b) => a + "_" + b)).Distinct(StringComparer.Ordinal).ToArray();
    }
}
