using Platform.Cli.Evaluation;

namespace Platform.Cli.Tests;

public sealed class GsrCeilingTests
{
    private static List<GsrEvaluation.Sentence> Corpus(Func<int, bool> positive)
    {
        string[] fillers = ["قال", "المسؤول", "في", "المدينة", "اليوم", "إن", "الوضع", "هادئ", "الحكومة", "الاجتماع", "بيان", "الأمس"];
        var random = new Random(3);
        return Enumerable.Range(0, 400).Select(i =>
        {
            var words = Enumerable.Range(0, 8).Select(_ => fillers[random.Next(fillers.Length)]).ToList();
            if (i % 4 == 0)
            {
                words.Insert(random.Next(words.Count), "تظاهر");
            }
            return new GsrEvaluation.Sentence(i.ToString(), string.Join(' ', words), positive(i));
        }).ToList();
    }

    [Fact]
    public void Labels_carried_by_a_word_are_learned_by_the_cross_validated_model()
    {
        var result = GsrCeiling.Measure("PROTEST", Corpus(i => i % 4 == 0));

        result.BestF1.ShouldBeGreaterThan(0.95);
        result.BestPrecisionAtRecall80.ShouldBeGreaterThan(0.95);
    }

    [Fact]
    public void Labels_unrelated_to_the_words_stay_near_chance()
    {
        var coin = new Random(11);
        var labels = Enumerable.Range(0, 400).Select(_ => coin.Next(4) == 0).ToArray();

        var result = GsrCeiling.Measure("PROTEST", Corpus(i => labels[i]));

        result.BestPrecisionAtRecall80.ShouldBeLessThan(0.45);
    }

    [Fact]
    public void Features_fold_the_text_and_peel_the_conjunction_and_article()
    {
        GsrCeiling.Features("وَالمتظاهرون أغلقوا الطريق").ShouldBe(["متظاهرون", "اغلقوا", "طريق", "متظاهرون_اغلقوا", "اغلقوا_طريق"], ignoreOrder: true);
    }
}
