using System.Globalization;
using System.Text;
using Platform.Extraction.Engine;

namespace Platform.Cli.Evaluation;

/// <summary>Precision and recall of sentence-level detection for one event category.</summary>
public sealed record DetectionScores(string Category, int Positives, int Negatives, int TruePositives, int FalsePositives, double Precision, double Recall, double F1);

/// <summary>
/// Sentence-level event detection on the arabic_event_gsr corpus (ASSAULT and PROTEST, PLOVER categories).
/// Only unanimous labels are scored: "yes" (every annotator accepted) and "easy no" (every annotator rejected).
/// A sentence is detected as ASSAULT when the engine finds a battle, an explosion or remote violence, or violence
/// against civilians in it, and as PROTEST when it finds a protest or a riot.
/// </summary>
public static class GsrEvaluation
{
    public static readonly IReadOnlyDictionary<string, string[]> Categories = new Dictionary<string, string[]>
    {
        ["ASSAULT"] = ["Battles", "Explosions/Remote violence", "Violence against civilians"],
        ["PROTEST"] = ["Protests", "Riots"],
    };

    public sealed record Sentence(string Id, string Text, bool Positive)
    {
        /// <summary>
        /// The day of the story the sentence comes from: Gigaword ids carry it ("AAW_ARB_20071026.0026-2"); 1 January 2008,
        /// the middle of the corpus, when an id does not.
        /// </summary>
        public DateOnly Published { get; } = PublishedOf(Id);
    }

    public static DateOnly PublishedOf(string id)
    {
        var match = System.Text.RegularExpressions.Regex.Match(id, @"_(\d{8})\.");
        return match.Success && DateOnly.TryParseExact(match.Groups[1].Value, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day
            : new DateOnly(2008, 1, 1);
    }

    public static DetectionScores Score(string category, IReadOnlyList<Sentence> sentences, IncidentExtractor extractor)
    {
        var types = Categories[category];
        int truePositives = 0, falsePositives = 0;
        foreach (var sentence in sentences)
        {
            var detected = extractor.Extract(new ExtractionInput(sentence.Text, "ar", sentence.Published))
                .Any(incident => types.Contains(incident.EventType));
            if (detected && sentence.Positive)
            {
                truePositives++;
            }
            else if (detected)
            {
                falsePositives++;
            }
        }
        var positives = sentences.Count(s => s.Positive);
        var precision = truePositives + falsePositives == 0 ? 0 : (double)truePositives / (truePositives + falsePositives);
        var recall = positives == 0 ? 0 : (double)truePositives / positives;
        var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new DetectionScores(category, positives, sentences.Count - positives, truePositives, falsePositives, precision, recall, f1);
    }

    /// <summary>Reads <c>assault_gsr.csv</c> or <c>protest_gsr.csv</c>: unanimous rows only.</summary>
    public static List<Sentence> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"No file '{path}'.");
        }
        var rows = ParseCsv(File.ReadAllText(path, Encoding.UTF8));
        if (rows.Count == 0)
        {
            throw new UsageException($"'{path}' is empty.");
        }
        var header = rows[0];
        int Column(string name) => header.IndexOf(name) is >= 0 and var index
            ? index
            : throw new UsageException($"'{path}' has no '{name}' column.");
        int id = Column("id"), label = Column("label"), text = Column("text");
        return rows.Skip(1)
            .Where(row => row.Count > Math.Max(id, Math.Max(label, text)) && row[label] is "yes" or "easy no")
            .Select(row => new Sentence(row[id], row[text], row[label] == "yes"))
            .ToList();
    }

    /// <summary>RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks.</summary>
    public static List<List<string>> ParseCsv(string content)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < content.Length; i++)
        {
            var c = content[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < content.Length && content[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
                continue;
            }
            switch (c)
            {
                case '"':
                    quoted = true;
                    break;
                case ',':
                    row.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    row.Add(field.ToString());
                    field.Clear();
                    rows.Add(row);
                    row = [];
                    break;
                default:
                    field.Append(c);
                    break;
            }
        }
        if (field.Length > 0 || row.Count > 0)
        {
            row.Add(field.ToString());
            rows.Add(row);
        }
        return rows;
    }

    public static string Percent(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);
}
