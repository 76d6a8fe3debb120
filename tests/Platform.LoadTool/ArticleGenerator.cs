using System.Globalization;
using System.Text;

namespace Platform.LoadTool;

public sealed record GeneratedArticle(string Title, string Text, string Language, string Published);

/// <summary>
/// Distinct synthetic news articles, half Arabic and half English, each reporting one or two events at real Syrian
/// places (so the pipeline yields incidents and corroborations) and padded with background sentences to about 3 KB.
/// Deterministic for a seed; the run tag in every text keeps two runs' articles distinct.
/// <para>
/// <c>orderIndependent</c> avoids the cases where the ledger's incidents depend on the order reports arrive in
/// (README, "Order does not change the record..."): events fall on every third day, so reports of different days
/// never match (the ledger joins reports up to a day apart and would chain them), no two places lie within the
/// corroboration radius of each other (events at two towns 8 km apart on one day would make one incident, placed where
/// its first report says), and every article about one place
/// and day tells the same kind of event with the same actors, so no incident gathers an actor that lets a later
/// report join it. The chaos test needs this: faults change the order of arrival.
/// </para>
/// </summary>
public static class ArticleGenerator
{
    // (Arabic, English, governorate in Arabic, governorate in English): place names are facts.
    private static readonly (string Ar, string En, string GovAr, string GovEn)[] Places =
    [
        ("سراقب", "Saraqib", "إدلب", "Idlib"), ("معرة النعمان", "Maarat al-Numan", "إدلب", "Idlib"), ("جسر الشغور", "Jisr al-Shughur", "إدلب", "Idlib"),
        ("منبج", "Manbij", "حلب", "Aleppo"), ("الباب", "al-Bab", "حلب", "Aleppo"), ("اعزاز", "Azaz", "حلب", "Aleppo"), ("عفرين", "Afrin", "حلب", "Aleppo"),
        ("هجين", "Hajin", "دير الزور", "Deir ez-Zor"), ("الميادين", "al-Mayadin", "دير الزور", "Deir ez-Zor"), ("البوكمال", "Albu Kamal", "دير الزور", "Deir ez-Zor"),
        ("الشحيل", "al-Shuhail", "دير الزور", "Deir ez-Zor"), ("تل أبيض", "Tal Abyad", "الرقة", "Raqqa"), ("الطبقة", "al-Tabqa", "الرقة", "Raqqa"),
        ("رأس العين", "Ras al-Ain", "الحسكة", "Hasakah"), ("القامشلي", "Qamishli", "الحسكة", "Hasakah"), ("الشدادي", "al-Shaddadi", "الحسكة", "Hasakah"),
        ("دوما", "Douma", "دمشق", "Damascus"), ("داريا", "Daraya", "دمشق", "Damascus"), ("تدمر", "Palmyra", "حمص", "Homs"), ("الرستن", "al-Rastan", "حمص", "Homs"),
        ("اللطامنة", "al-Lataminah", "حماة", "Hama"), ("مورك", "Morek", "حماة", "Hama"), ("طفس", "Tafas", "درعا", "Daraa"), ("بصرى الشام", "Busra al-Sham", "درعا", "Daraa"),
    ];

    // Places within the ledger's corroboration radius (10 km) of another in the list, left out of the order-independent
    // input: an event at each on one day would be one incident whose place is the first report's. Morek lies 8.6 km from
    // al-Lataminah, al-Shuhail 7.3 km from al-Mayadin.
    private static readonly HashSet<string> NearAnother = new(StringComparer.Ordinal) { "Morek", "al-Shuhail" };

    private static readonly string[] WeekdaysAr = ["الأحد", "الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت"];
    private static readonly string[] WeekdaysEn = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

    private static readonly string[] EventsEn =
    [
        "Government forces shelled the town of {0} on {2}, killing {3} civilians, according to local sources.",
        "Clashes broke out between the Syrian Democratic Forces and Islamic State fighters near {0} in the {1} countryside on {2}, and {3} fighters were killed.",
        "A car bomb exploded in the centre of {0} on {2}, killing {3} people and wounding dozens.",
        "Dozens of residents of {0} staged a demonstration on {2} to protest against the arrest of {3} young men.",
        "Russian warplanes carried out air strikes on {0} in the {1} countryside on {2}, killing {3} civilians.",
    ];

    private static readonly string[] EventsAr =
    [
        "قصفت قوات النظام بلدة {0} يوم {2}، ما أدى إلى مقتل {3} مدنيين، بحسب مصادر محلية.",
        "اندلعت اشتباكات بين قوات سوريا الديمقراطية وعناصر تنظيم الدولة قرب {0} بريف {1} يوم {2}، قتل خلالها {3} عناصر.",
        "انفجرت سيارة مفخخة وسط مدينة {0} يوم {2}، ما أسفر عن مقتل {3} أشخاص وإصابة العشرات.",
        "تظاهر العشرات من أهالي {0} يوم {2} احتجاجا على اعتقال {3} شبان.",
        "شنت طائرات حربية روسية غارات جوية على {0} بريف {1} يوم {2}، ما أدى إلى مقتل {3} مدنيين.",
    ];

    private static readonly string[] BackgroundEn =
    [
        "Residents said the prices of bread and fuel had risen sharply over the past month.",
        "The local council said it was preparing a plan to repair water pipes and schools before the winter.",
        "Aid organisations said that thousands of families still depend on monthly food baskets.",
        "Farmers in the area complained that the wheat harvest was smaller than in previous years.",
        "Teachers said many pupils had returned to classes after the holidays.",
        "Electricity reaches most neighbourhoods for only a few hours a day, according to residents.",
    ];

    private static readonly string[] BackgroundAr =
    [
        "وقال سكان إن أسعار الخبز والوقود ارتفعت بشكل كبير خلال الشهر الماضي.",
        "وأعلن المجلس المحلي أنه يعد خطة لإصلاح شبكات المياه والمدارس قبل حلول الشتاء.",
        "وقالت منظمات إغاثية إن آلاف العائلات ما تزال تعتمد على السلال الغذائية الشهرية.",
        "واشتكى مزارعون في المنطقة من أن محصول القمح جاء أقل من الأعوام السابقة.",
        "وقال معلمون إن كثيرا من التلاميذ عادوا إلى الصفوف بعد العطلة.",
        "ولا تصل الكهرباء إلى معظم الأحياء إلا لساعات قليلة في اليوم بحسب الأهالي.",
    ];

    public static List<GeneratedArticle> Generate(int count, int seed, string run, bool orderIndependent = false)
    {
        var dayStep = orderIndependent ? 3 : 1;
        var random = new Random(seed);
        var articles = new List<GeneratedArticle>(count);
        for (var i = 0; i < count; i++)
        {
            var arabic = i % 2 == 0;
            var published = new DateOnly(2020, 1, 1).AddDays(random.Next(0, 700 / dayStep) * dayStep);
            var weekday = (int)published.AddDays(-1).DayOfWeek;
            var text = new StringBuilder();
            var events = random.Next(4) == 0 ? 2 : 1;
            string? title = null;
            var first = -1;
            for (var e = 0; e < events; e++)
            {
                var placeIndex = random.Next(Places.Length);
                var templateIndex = random.Next(EventsEn.Length);
                if (orderIndependent)
                {
                    // Two events of one article never share a place (an incident holds one report per article), and
                    // the place and day decide what happened there.
                    while (placeIndex == first || NearAnother.Contains(Places[placeIndex].En))
                    {
                        placeIndex = (placeIndex + 1) % Places.Length;
                    }
                    templateIndex = (placeIndex * 7 + published.DayNumber / dayStep) % EventsEn.Length;
                }
                first = placeIndex;
                var place = Places[placeIndex];
                var template = (arabic ? EventsAr : EventsEn)[templateIndex];
                var sentence = string.Format(CultureInfo.InvariantCulture, template,
                    arabic ? place.Ar : place.En, arabic ? place.GovAr : place.GovEn, arabic ? WeekdaysAr[weekday] : WeekdaysEn[weekday], 2 + random.Next(9));
                title ??= arabic ? $"تقرير من {place.Ar}" : $"Report from {place.En}";
                text.Append(sentence).Append(' ');
                AppendBackground(text, arabic, random, 700);
            }
            AppendBackground(text, arabic, random, 2_400 + random.Next(1_200));
            text.Append(arabic ? $"رقم التقرير {run}-{i}." : $"Report number {run}-{i}.");
            articles.Add(new GeneratedArticle(title!, text.ToString(), arabic ? "ar" : "en", published.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        }
        return articles;
    }

    // Background sentences until the text reaches about this many UTF-8 bytes.
    private static void AppendBackground(StringBuilder text, bool arabic, Random random, int bytes)
    {
        var sentences = arabic ? BackgroundAr : BackgroundEn;
        while (Encoding.UTF8.GetByteCount(text.ToString()) < bytes)
        {
            text.Append(sentences[random.Next(sentences.Length)]).Append(' ');
        }
    }
}
