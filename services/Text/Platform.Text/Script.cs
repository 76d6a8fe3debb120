namespace Platform.Text;

/// <summary>Which script a character or word is written in: the one Arabic-script test every stage uses.</summary>
public static class Script
{
    /// <summary>
    /// A letter of the Arabic block or its supplement, or an Arabic presentation form (U+0600-06FF, U+0750-077F,
    /// U+FB50-FDFF, U+FE70-FEFF).
    /// </summary>
    public static bool IsArabic(char c) =>
        c is >= '\u0600' and <= '\u06FF' or >= '\u0750' and <= '\u077F' or >= '\uFB50' and <= '\uFDFF' or >= '\uFE70' and <= '\uFEFF';

    /// <summary>A word is Arabic when its first character is.</summary>
    public static bool IsArabic(string word) => word.Length > 0 && IsArabic(word[0]);
}
