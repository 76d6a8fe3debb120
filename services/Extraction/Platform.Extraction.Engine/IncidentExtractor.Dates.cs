using Platform.Text;

namespace Platform.Extraction.Engine;

// Dates: relative and explicit dates resolved against the publication date.
public sealed partial class IncidentExtractor
{
    /// <summary>An explicit date that ends this long before publication is background, not news.</summary>
    private const int BackgroundDays = 90;

    /// <summary>The date expression nearest the trigger decides: a sentence may date its event and its background.</summary>
    private static (DateOnly Start, DateOnly End, string Rule) ResolveDate(
        DateOnly published, List<Token> tokens, List<PhraseMatch<(string Kind, string Value)>> cues, int triggerAt)
    {
        var nearest = cues.Where(c => c.Entry.Value.Kind is "month" or "weekday" || c.Entry.Value is ("date", "yesterday" or "last-week"))
            .OrderBy(c => Math.Abs(c.First - triggerAt))
            .FirstOrDefault();
        if (YearNearest(published, tokens, cues, triggerAt) is { } year
            && (nearest is null || Math.Abs(year.At - triggerAt) < Math.Abs(nearest.First - triggerAt)))
        {
            var end = new DateOnly(year.Year, 12, 31);
            return (new DateOnly(year.Year, 1, 1), end < published ? end : published, "date:explicit-year");
        }
        switch (nearest?.Entry.Value)
        {
            case ("month", _):
                return ExplicitDate(published, tokens, nearest);
            case ("date", "yesterday"):
                return (published.AddDays(-1), published.AddDays(-1), "date:yesterday");
            case ("date", "last-week"):
                // Convention: "last week" is the 9 days from 13 to 5 days before publication, which covers the
                // previous calendar week whether the writer's week starts on Saturday, Sunday or Monday.
                return (published.AddDays(-13), published.AddDays(-5), "date:last-week");
            case ("weekday", var day):
                var target = (DayOfWeek)int.Parse(day, System.Globalization.CultureInfo.InvariantCulture);
                var back = ((int)published.DayOfWeek - (int)target + 7) % 7;
                return (published.AddDays(-back), published.AddDays(-back), "date:weekday");
            default:
                // An event a news report gives no date of its own happened by the day it was published, usually the day
                // before or that day (gold/README.md's convention).
                return cues.Any(c => c.Entry.Value is ("date", "today"))
                    ? (published, published, "date:today")
                    : (published.AddDays(-1), published, "date:publication");
        }
    }

    // Words that introduce a year standing alone: "عام 2005", "في 1996", "in 2013", "the year 2002".
    private static readonly HashSet<string> YearIntroducers = new(StringComparer.Ordinal) { "عام", "العام", "سنة", "عامي", "في", "خلال", "in", "year", "during" };

    /// <summary>
    /// The year standing alone nearest the trigger ("قتل اخيها بالرصاص في 1996", "killed in 2013"), unless it belongs to
    /// a month's date or follows "since" (منذ عام 2011 dates a period, not the event).
    /// </summary>
    private static (int Year, int At)? YearNearest(DateOnly published, List<Token> tokens, List<PhraseMatch<(string Kind, string Value)>> cues, int triggerAt)
    {
        (int Year, int At)? best = null;
        for (var i = 1; i < tokens.Count; i++)
        {
            if (tokens[i].Text.Length != 4
                || !int.TryParse(tokens[i].Text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var year)
                || year < MinimumYear || year > published.Year
                || !YearIntroducers.Contains(tokens[i - 1].Text)
                || cues.Any(c => c.Entry.Value.Kind == "month" && i - c.Last is 1 or 2))
            {
                continue;
            }
            // "منذ عام 2011", "منذ بداية العام 2011", "since 2011".
            var since = tokens.Skip(Math.Max(0, i - 3)).Take(Math.Min(3, i)).Any(t => t.Text is "منذ" or "since");
            if (!since && (best is null || Math.Abs(i - triggerAt) < Math.Abs(best.Value.At - triggerAt)))
            {
                best = (year, i);
            }
        }
        return best;
    }

    /// <summary>
    /// "24 January 2020", "January 24", "في آذار 2018", "in March": a day and a year around a month name. Without a
    /// year the month is the latest one on or before publication; without a day the range is the whole month.
    /// </summary>
    private static (DateOnly Start, DateOnly End, string Rule) ExplicitDate(
        DateOnly published, List<Token> tokens, PhraseMatch<(string Kind, string Value)> month)
    {
        var number = int.Parse(month.Entry.Value.Value, System.Globalization.CultureInfo.InvariantCulture);
        int? Number(int index, int min, int max) =>
            index >= 0 && index < tokens.Count
            && int.TryParse(tokens[index].Text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
            && n >= min && n <= max ? n : null;
        var day = Number(month.First - 1, 1, 31) ?? Number(month.Last + 1, 1, 31);
        var year = Number(month.Last + 1, 1900, 2100) ?? Number(month.Last + 2, 1900, 2100);
        if (year is null)
        {
            year = number <= published.Month ? published.Year : published.Year - 1;
        }
        var first = new DateOnly(year.Value, number, 1);
        if (day is { } d && d <= DateTime.DaysInMonth(year.Value, number))
        {
            var date = new DateOnly(year.Value, number, d);
            return (date, date, "date:explicit-day");
        }
        return (first, first.AddMonths(1).AddDays(-1), "date:explicit-month");
    }
}
