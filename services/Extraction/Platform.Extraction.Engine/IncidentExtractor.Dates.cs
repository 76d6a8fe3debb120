using Platform.Text;

namespace Platform.Extraction.Engine;

// Dates: relative and explicit dates resolved against the publication date.
public sealed partial class IncidentExtractor
{
    /// <summary>An explicit date that ends this long before publication is background, not news.</summary>
    private const int BackgroundDays = 90;

    /// <summary>
    /// The date expression nearest the trigger decides: a sentence may date its event and its background. Relative
    /// expressions count back from publication ("أول أمس", "two days ago", "last month"); "the day before" and "the next
    /// day" count from <paramref name="reference"/>, the date the sentence's lead event or the event told just before has,
    /// when there is one.
    /// </summary>
    private static (DateOnly Start, DateOnly End, string Rule) ResolveDate(
        DateOnly published, List<Token> tokens, List<PhraseMatch<(string Kind, string Value)>> cues, int triggerAt, DateOnly? reference = null)
    {
        // "أول أمس" is not "أمس", "اليوم التالي" not "اليوم": a date cue inside a longer one is part of it.
        var dated = cues.Where(c => c.Entry.Value.Kind is "month" or "weekday" || c.Entry.Value.Kind == "date").ToList();
        dated.RemoveAll(c => dated.Exists(o => !ReferenceEquals(o, c) && o.Entry.Value.Kind == "date" && o.First <= c.First && o.Last >= c.Last && o.Last - o.First > c.Last - c.First));
        // "today" ("اليوم", also the bare "يوم" of "يوم 11 مارس") dates an event only when nothing more specific does.
        var today = dated.RemoveAll(c => c.Entry.Value is ("date", "today")) > 0;
        var nearest = dated
            .Select(c => (c.Entry.Value, c.First))
            .Concat(DaysAgo(tokens, cues).Select(d => (Value: ("days-ago", d.Days.ToString(System.Globalization.CultureInfo.InvariantCulture)), First: d.At)))
            .OrderBy(c => Math.Abs(c.First - triggerAt))
            .Cast<((string Kind, string Value) Value, int First)?>()
            .FirstOrDefault();
        if (YearNearest(published, tokens, cues, triggerAt) is { } year
            && (nearest is null || Math.Abs(year.At - triggerAt) < Math.Abs(nearest.Value.First - triggerAt)))
        {
            var end = new DateOnly(year.Year, 12, 31);
            return (new DateOnly(year.Year, 1, 1), end < published ? end : published, "date:explicit-year");
        }
        switch (nearest?.Value)
        {
            case ("month", _):
                return ExplicitDate(published, tokens, cues.First(c => c.First == nearest.Value.First && c.Entry.Value.Kind == "month"));
            case ("date", "yesterday"):
                return (published.AddDays(-1), published.AddDays(-1), "date:yesterday");
            case ("date", "day-before-yesterday"):
                return (published.AddDays(-2), published.AddDays(-2), "date:day-before-yesterday");
            case ("days-ago", var count):
                var ago = published.AddDays(-int.Parse(count, System.Globalization.CultureInfo.InvariantCulture));
                return (ago, ago, "date:days-ago");
            case ("date", "last-night"):
                // The night before publication runs from the evening before into the day of publication.
                return (published.AddDays(-1), published, "date:last-night");
            case ("date", "last-week"):
                // Convention: "last week" is the 9 days from 13 to 5 days before publication, which covers the
                // previous calendar week whether the writer's week starts on Saturday, Sunday or Monday.
                return (published.AddDays(-13), published.AddDays(-5), "date:last-week");
            case ("date", "this-week"):
                return (published.AddDays(-6), published, "date:this-week");
            case ("date", "last-month"):
                var previous = new DateOnly(published.Year, published.Month, 1).AddMonths(-1);
                return (previous, previous.AddMonths(1).AddDays(-1), "date:last-month");
            case ("date", "this-month"):
                return (new DateOnly(published.Year, published.Month, 1), published, "date:this-month");
            case ("date", "day-before"):
                // "the day before", "اليوم السابق": before the date the sentence's event has, else before publication.
                var before = (reference ?? published).AddDays(-1);
                return (before, before, reference is null ? "date:day-before" : "date:day-before (of the event told)");
            case ("date", "day-after") when reference is { } told:
                var after = told.AddDays(1) > published ? published : told.AddDays(1);
                return (after, after, "date:day-after (of the event told)");
            case ("weekday", var day):
                var target = (DayOfWeek)int.Parse(day, System.Globalization.CultureInfo.InvariantCulture);
                var back = ((int)published.DayOfWeek - (int)target + 7) % 7;
                return (published.AddDays(-back), published.AddDays(-back), "date:weekday");
            default:
                // An event a news report gives no date of its own happened by the day it was published, usually the day
                // before or that day (gold/README.md's convention).
                return today
                    ? (published, published, "date:today")
                    : (published.AddDays(-1), published, "date:publication");
        }
    }

    /// <summary>
    /// "two days ago", "3 days ago", "قبل يومين", "منذ ثلاثة أيام": a count of days back from publication, at the token
    /// where it is said (tokens are folded: "ايام"). A count of weeks or years is a period, not a date.
    /// </summary>
    private static IEnumerable<(int Days, int At)> DaysAgo(List<Token> tokens, List<PhraseMatch<(string Kind, string Value)>> cues)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            var word = tokens[i].Text;
            if (word == "ago" && i >= 2 && tokens[i - 1].Text is "days" or "day")
            {
                var count = tokens[i - 2].Text is "a" or "one" ? 1 : CountAt(tokens, cues, i - 2)?.Value;
                if (count is > 0 and <= MaxDaysAgo)
                {
                    yield return (count.Value, i);
                }
            }
            else if (word is "قبل" or "منذ" && i + 1 < tokens.Count)
            {
                var next = tokens[i + 1].Text;
                int? count = next switch
                {
                    "يومين" => 2,
                    "يوم" when i + 2 >= tokens.Count || !Tokenizer.IsArabic(tokens[i + 2].Text) || tokens[i + 2].Text is "واحد" => 1,
                    _ when i + 2 < tokens.Count && tokens[i + 2].Text is "ايام" or "يوما" => CountAt(tokens, cues, i + 1)?.Value,
                    _ => null,
                };
                if (count is > 0 and <= MaxDaysAgo)
                {
                    yield return (count.Value, i);
                }
            }
        }
    }

    // Further back than a month, "N days ago" is rarely said of news.
    private const int MaxDaysAgo = 31;

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
