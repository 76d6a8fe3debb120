using System.Text.RegularExpressions;

namespace Platform.Extraction.Engine;

/// <summary>
/// A monitor's note that splits one toll over the places it names ("Total fatalities 26 split between 7 locations as
/// follows: 4 Manajir, 4 Lilan, 3 Alia"; "with 4 coded to Hamamiyat, 3 coded to Jbine"; "Yarmouk Camp 4, Tadamon 3"):
/// the share of each place, which is the toll of the incident there.
/// </summary>
public static partial class TollAllocation
{
    // Words that announce a split toll.
    [GeneratedRegex(@"\b(split|distributed|allocated|divided|spread)\b", RegexOptions.IgnoreCase | RegexOptions.NonBacktracking)]
    private static partial Regex Announcement();

    // Counts are ASCII digits: .NET's \d also matches Arabic-Indic and other scripts' digits, which int.Parse refuses.

    // "4 Manajir", "4 coded to Hamamiyat", "4 in Yarmouk Camp", "4 to fighting in the Sosa area".
    [GeneratedRegex(@"\b([0-9]{1,4}) (?:fatalities )?(?:(?:coded|allocated) )?(?:to |in |each to )?(?:fighting in )?(?:the )?([A-Z][A-Za-z'’-]*(?: [A-Z][A-Za-z'’-]*){0,3})",
        RegexOptions.NonBacktracking)]
    private static partial Regex CountThenPlace();

    // "Yarmouk Camp 4", "Atirah 10".
    [GeneratedRegex(@"([A-Z][A-Za-z'’-]*(?: [A-Za-z'’-]+){0,3}) ([0-9]{1,4})\b", RegexOptions.NonBacktracking)]
    private static partial Regex PlaceThenCount();

    /// <summary>The share of each place the text allocates a toll to, by the place's folded key; empty when it splits none.</summary>
    public static IReadOnlyDictionary<string, int> Of(string text, Func<string, string> key)
    {
        var shares = new Dictionary<string, int>(StringComparer.Ordinal);
        if (text.Length == 0 || !Announcement().IsMatch(text))
        {
            return shares;
        }
        foreach (var sentence in text.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Announcement().IsMatch(sentence))
            {
                continue;
            }
            var tail = sentence[Announcement().Match(sentence).Index..];
            foreach (Match match in CountThenPlace().Matches(tail))
            {
                shares.TryAdd(key(match.Groups[2].Value), int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            }
            foreach (Match match in PlaceThenCount().Matches(tail))
            {
                shares.TryAdd(key(match.Groups[1].Value), int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        return shares;
    }
}
