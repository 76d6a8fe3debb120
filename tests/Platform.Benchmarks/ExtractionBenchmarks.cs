using System.Text;
using BenchmarkDotNet.Attributes;
using Platform.Extraction.Engine;

namespace Platform.Benchmarks;

/// <summary>
/// Extraction of one 3 KB article (UTF-8), Arabic and English, built from report-like paragraphs written here.
/// Throughput per core = 1 s / mean time (the benchmark runs on one thread).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class ExtractionBenchmarks
{
    private const int ArticleBytes = 3 * 1024;

    public static readonly string[] ArabicParagraphs =
    [
        "قالت مصادر محلية اليوم الثلاثاء إن قوات النظام قصفت بالمدفعية الثقيلة أحياء مدينة سراقب بريف إدلب الشرقي، ما أسفر عن مقتل ثلاثة مدنيين وإصابة آخرين بجروح.",
        "وأضافت المصادر أن فرق الدفاع المدني عملت على إسعاف المصابين ونقلهم إلى مشافي المنطقة، وسط تحليق مكثف لطيران الاستطلاع.",
        "وفي سياق منفصل، خرجت مظاهرة في مدينة منبج شرق حلب طالب المشاركون فيها بالإفراج عن المعتقلين، دون أن تسجل أي حوادث.",
        "ويأتي ذلك بعد أيام من اجتماع عقده ممثلو الأطراف في العاصمة لبحث ملفات الخدمات والمياه والكهرباء في المنطقة الشرقية.",
    ];

    public static readonly string[] EnglishParagraphs =
    [
        "Government forces shelled the town of Saraqib on Tuesday, killing three civilians and wounding several others, local sources said.",
        "Civil defence teams took the wounded to hospitals in the area as reconnaissance aircraft circled overhead for most of the day.",
        "Separately, hundreds of people demonstrated in the city of Manbij, calling for the release of detainees; no incidents were reported.",
        "The talks on water, electricity and services in the eastern region are expected to resume next month, officials said.",
    ];

    private readonly IncidentExtractor _extractor = new();
    private ExtractionInput _arabic = null!;
    private ExtractionInput _english = null!;

    [GlobalSetup]
    public void Setup()
    {
        _arabic = new ExtractionInput(Article(ArabicParagraphs), "ar", new DateOnly(2020, 2, 4));
        _english = new ExtractionInput(Article(EnglishParagraphs), "en", new DateOnly(2020, 2, 4));
    }

    /// <summary>Paragraphs repeated until the article is 3 KB of UTF-8.</summary>
    public static string Article(string[] paragraphs)
    {
        var builder = new StringBuilder();
        for (var i = 0; Encoding.UTF8.GetByteCount(builder.ToString()) < ArticleBytes; i++)
        {
            builder.Append(paragraphs[i % paragraphs.Length]).Append("\n\n");
        }
        var text = builder.ToString();
        while (Encoding.UTF8.GetByteCount(text) > ArticleBytes)
        {
            text = text[..^1];
        }
        return text;
    }

    [Benchmark]
    public int ArabicArticle3KB() => _extractor.Extract(_arabic).Count;

    [Benchmark]
    public int EnglishArticle3KB() => _extractor.Extract(_english).Count;
}
