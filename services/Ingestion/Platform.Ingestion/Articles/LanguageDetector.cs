namespace Platform.Ingestion.Articles;

/// <summary>Tells Arabic from English by script: enough for the two languages Platform reads.</summary>
public static class LanguageDetector
{
    public const string Arabic = "ar";
    public const string English = "en";

    public static string Detect(string text)
    {
        int arabic = 0, latin = 0;
        foreach (var c in text)
        {
            if (Platform.Text.Script.IsArabic(c))
            {
                arabic++;
            }
            else if (c is >= 'a' and <= 'z' or >= 'A' and <= 'Z')
            {
                latin++;
            }
        }
        return arabic >= latin ? Arabic : English;
    }
}
