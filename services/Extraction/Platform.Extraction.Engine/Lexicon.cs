using System.Reflection;
using Platform.Text;

namespace Platform.Extraction.Engine;

/// <summary>A lexicon entry: its folded words (Arabic article removed), language and payload.</summary>
public sealed record LexiconEntry<T>(string[] Words, string Language, string Phrase, T Value);

/// <summary>A phrase found in a sentence: token range [First, Last] inclusive.</summary>
public sealed record PhraseMatch<T>(LexiconEntry<T> Entry, int First, int Last);

/// <summary>Finds lexicon phrases in token sequences, peeling Arabic clitics word by word.</summary>
public sealed class PhraseIndex<T>
{
    private readonly Dictionary<string, List<LexiconEntry<T>>> _byFirstWord = new(StringComparer.Ordinal);

    public int Count { get; private set; }

    public void Add(string phrase, string language, T value)
    {
        var words = Tokenizer.Tokenize(TextFolding.Fold(phrase)).Select(t => Tokenizer.StripArticle(t.Text)).ToArray();
        if (words.Length == 0)
        {
            throw new InvalidDataException($"Lexicon phrase '{phrase}' has no words.");
        }
        var entry = new LexiconEntry<T>(words, language, phrase, value);
        if (!_byFirstWord.TryGetValue(words[0], out var list))
        {
            _byFirstWord[words[0]] = list = [];
        }
        list.Add(entry);
        Count++;
    }

    /// <summary>
    /// The longest entry starting at token <paramref name="index"/> that satisfies <paramref name="predicate"/> (the first
    /// found among equally long ones), without building the list of every match: the test place finding makes word by word.
    /// </summary>
    public LexiconEntry<T>? LongestAt(IReadOnlyList<Token> tokens, int index, Func<T, bool>? predicate = null)
    {
        LexiconEntry<T>? best = null;
        foreach (var stem in WordForms.Of(tokens[index].Text))
        {
            if (!_byFirstWord.TryGetValue(stem, out var candidates))
            {
                continue;
            }
            foreach (var entry in candidates)
            {
                if ((best is null || entry.Words.Length > best.Words.Length) && (predicate is null || predicate(entry.Value)) && MatchesFrom(tokens, index, entry))
                {
                    best = entry;
                }
            }
        }
        return best;
    }

    /// <summary>Whether any entry satisfying <paramref name="predicate"/> starts at token <paramref name="index"/>.</summary>
    public bool AnyAt(IReadOnlyList<Token> tokens, int index, Func<T, bool>? predicate = null) => LongestAt(tokens, index, predicate) is not null;

    private static bool MatchesFrom(IReadOnlyList<Token> tokens, int index, LexiconEntry<T> entry)
    {
        if (index + entry.Words.Length > tokens.Count)
        {
            return false;
        }
        for (var k = 1; k < entry.Words.Length; k++)
        {
            if (Array.IndexOf(WordForms.Of(tokens[index + k].Text), entry.Words[k]) < 0)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>All entries that start at token <paramref name="index"/>, longest first.</summary>
    public IEnumerable<PhraseMatch<T>> MatchAt(IReadOnlyList<Token> tokens, int index)
    {
        List<PhraseMatch<T>>? matches = null;
        foreach (var stem in WordForms.Of(tokens[index].Text))
        {
            if (!_byFirstWord.TryGetValue(stem, out var candidates))
            {
                continue;
            }
            foreach (var entry in candidates)
            {
                if (MatchesFrom(tokens, index, entry) && (matches is null || !matches.Exists(m => ReferenceEquals(m.Entry, entry))))
                {
                    (matches ??= []).Add(new PhraseMatch<T>(entry, index, index + entry.Words.Length - 1));
                }
            }
        }
        if (matches is null)
        {
            return [];
        }
        matches.Sort((a, b) => (b.Last - b.First).CompareTo(a.Last - a.First));
        return matches;
    }

    /// <summary>Longest non-overlapping matches over the whole token range, left to right.</summary>
    public List<PhraseMatch<T>> FindAll(IReadOnlyList<Token> tokens)
    {
        var found = new List<PhraseMatch<T>>();
        for (var i = 0; i < tokens.Count; i++)
        {
            if (MatchAt(tokens, i) is not List<PhraseMatch<T>> { Count: > 0 } matches)
            {
                continue;
            }
            // Every entry of the longest length counts: "شمال" is both a direction and a word to skip.
            var longest = matches[0].Last;
            foreach (var match in matches)
            {
                if (match.Last == longest)
                {
                    found.Add(match);
                }
            }
            i = longest;
        }
        return found;
    }
}

/// <summary>
/// The forms a lexicon word may take in text: an Arabic word with its clitics peeled (and without the alef of the
/// indefinite accusative), a Latin word as it is. Shared by every lexicon, cached (bounded, shared by all threads).
/// </summary>
internal static class WordForms
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string[]> FormCache = new(StringComparer.Ordinal);
    private const int FormCacheLimit = 200_000;
    private static int _formCacheSize;

    public static string[] Of(string token)
    {
        if (FormCache.TryGetValue(token, out var cached))
        {
            return cached;
        }
        // An Arabic noun in the accusative indefinite carries an alef ("هجوماً", "انفجاراً", "صاروخاً"): its stem without
        // it is the lexicon's word. (A verb's plural "وا" is no such alef.)
        var forms = Tokenizer.IsArabic(token)
            ? Tokenizer.ArabicStems(token)
                .SelectMany(stem => stem.Length >= 4 && stem[^1] == 'ا' && stem[^2] is not ('و' or 'ا' or 'ي') ? new[] { stem, stem[..^1] } : [stem])
                .Distinct(StringComparer.Ordinal).ToArray()
            : [token];
        // A counter, not FormCache.Count: Count takes every lock of the dictionary and would serialise the consumers.
        if (Interlocked.Increment(ref _formCacheSize) > FormCacheLimit)
        {
            FormCache.Clear();
            Interlocked.Exchange(ref _formCacheSize, 0);
        }
        FormCache.TryAdd(token, forms);
        return forms;
    }
}

/// <summary>The lexicons the engine ships with (data files embedded from Lexicons/).</summary>
public sealed class Lexicon
{
    public PhraseIndex<string> Actors { get; } = new();
    public PhraseIndex<(string EventType, string SubEventType, string[] Requires)> Triggers { get; } = new();
    public PhraseIndex<(string Kind, string Value)> Cues { get; } = new();

    public static Lexicon LoadEmbedded() => Load(directory: null);

    /// <summary>
    /// The lexicons, each file read from <paramref name="directory"/> when it holds one of that name (a changed
    /// lexicon under test or in a deployment) and from the engine's embedded copy otherwise.
    /// </summary>
    public static Lexicon Load(string? directory)
    {
        if (directory is not null && !Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Lexicon directory '{directory}' does not exist.");
        }
        IEnumerable<string[]> Rows(string file, int minimumColumns) =>
            directory is not null && File.Exists(Path.Combine(directory, file))
                ? ReadFileRows(Path.Combine(directory, file), minimumColumns)
                : Lexicon.ReadRows(file, minimumColumns);
        var lexicon = new Lexicon();
        foreach (var row in Rows("actors.tsv", minimumColumns: 3))
        {
            lexicon.Actors.Add(row[2], row[1], row[0]);
        }
        foreach (var row in Rows("triggers.tsv", minimumColumns: 4))
        {
            var requires = row.Length > 4 && row[4].Length > 0
                ? row[4].Split('|').Select(w => w.Trim().StartsWith('@') ? w.Trim() : Tokenizer.StripArticle(TextFolding.Fold(w.Trim()))).ToArray()
                : [];
            foreach (var phrase in row[2] == "en" ? EnglishInflections.Expand(row[3]) : ArabicInflections.Expand(row[3]))
            {
                lexicon.Triggers.Add(phrase, row[2], (row[0], row[1], requires));
            }
        }
        foreach (var row in Rows("cues.tsv", minimumColumns: 3))
        {
            foreach (var phrase in row[1] == "en" ? EnglishInflections.Expand(row[2]) : ArabicInflections.Expand(row[2]))
            {
                lexicon.Cues.Add(phrase, row[1], (row[0], row.Length > 3 ? row[3] : ""));
            }
        }
        return lexicon;
    }

    /// <summary>The rows of an embedded lexicon file, without comments and blank lines.</summary>
    public static IEnumerable<string[]> ReadRows(string file, int minimumColumns)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"Lexicons.{file}")
            ?? throw new InvalidOperationException($"Lexicon {file} is not embedded in the engine.");
        using var reader = new StreamReader(stream);
        return ReadRows(reader, file, minimumColumns);
    }

    private static List<string[]> ReadFileRows(string path, int minimumColumns)
    {
        using var reader = new StreamReader(path, System.Text.Encoding.UTF8);
        return ReadRows(reader, path, minimumColumns);
    }

    private static List<string[]> ReadRows(TextReader reader, string file, int minimumColumns)
    {
        var lineNumber = 0;
        var rows = new List<string[]>();
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            var columns = line.Split('\t');
            if (columns.Length < minimumColumns)
            {
                throw new InvalidDataException($"{file}:{lineNumber}: expected {minimumColumns} tab-separated columns, found {columns.Length}.");
            }
            rows.Add(columns);
        }
        return rows;
    }
}
