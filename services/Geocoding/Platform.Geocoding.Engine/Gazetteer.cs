using System.Globalization;
using System.Reflection;
using Platform.Text;

namespace Platform.Geocoding.Engine;

/// <summary>A GeoNames row, with what disambiguation and the output need.</summary>
public sealed record GazetteerPlace(
    long GeonameId,
    string Name,
    double Latitude,
    double Longitude,
    string FeatureClass,
    string FeatureCode,
    string CountryCode,
    string Admin1Code,
    string Admin2Code,
    long Population);

public sealed class GazetteerOptions
{
    public const string Section = "Gazetteer";

    /// <summary>Folder holding the GeoNames country files (SY.txt, ...), admin1CodesASCII.txt and admin2Codes.txt.</summary>
    public string Directory { get; set; } = "";

    public static readonly IReadOnlyList<string> DefaultCountries = ["SY", "IQ", "LB", "JO", "TR"];

    /// <summary>
    /// Country files to load, by ISO code; <see cref="DefaultCountries"/> when empty. (Empty by default because the
    /// configuration binder appends to a list it finds filled instead of replacing it.)
    /// </summary>
    public string[] Countries { get; set; } = [];

    /// <summary>
    /// The country (ISO code) an article is taken to be about when nothing in it names a place or country: the region the
    /// deployment monitors. Empty: none.
    /// </summary>
    public string DefaultFocus { get; set; } = "";
}

/// <summary>Counts of what a load read, so operators can see malformed rows without the load failing.</summary>
public sealed record GazetteerLoadReport(int Places, int Names, int MalformedRows, IReadOnlyList<string> Files);

/// <summary>An in-memory GeoNames gazetteer indexed by folded name (Arabic and Latin forms).</summary>
public sealed class Gazetteer
{
    private readonly List<GazetteerPlace> _places = [];
    private readonly Dictionary<long, int> _byId = [];
    // Name key -> postings. Most names belong to one place: the value is that place's index (>= 0); a name shared by
    // several places shares a posting list (see PostingIndex). Keys are stored as hashes: this keeps an allCountries load small.
    private readonly PostingIndex _byName = new();
    // (hash of the folded Arabic name with its article, place index): see FindWithExactness.
    private readonly HashSet<long> _exactNames = [];
    // Feature classes and codes, countries and admin codes repeat millions of times: one string each.
    private readonly Dictionary<string, string> _codes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _admin1Names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _admin2Names = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Country, string Admin1), int> _admin1Features = [];

    public GazetteerLoadReport Report { get; private set; } = new(0, 0, 0, []);

    public int Count => _places.Count;

    /// <summary>The most words any name the gazetteer holds has (articles left out): no longer name can match.</summary>
    public int LongestNameWords { get; private set; }

    /// <summary>The name of GeoNames' worldwide dump (allCountries.txt), accepted in the country list.</summary>
    public const string AllCountries = "allCountries";

    /// <summary>Loads the configured country files; a missing file is an error naming the setting.</summary>
    public static Gazetteer Load(GazetteerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Directory) || !System.IO.Directory.Exists(options.Directory))
        {
            throw new InvalidOperationException(
                $"Gazetteer folder '{options.Directory}' does not exist: set {GazetteerOptions.Section}:Directory (environment variable {GazetteerOptions.Section}__Directory).");
        }
        var gazetteer = new Gazetteer();
        gazetteer.IsAllCountries = options.Countries.Any(c => c.Trim().Equals(AllCountries, StringComparison.OrdinalIgnoreCase));
        var malformed = 0;
        var files = new List<string>();
        var countries = (options.Countries.Length > 0 ? options.Countries : GazetteerOptions.DefaultCountries)
            .Select(c => c.Trim()).Where(c => c.Length > 0)
            .Select(c => c.Equals(AllCountries, StringComparison.OrdinalIgnoreCase) ? AllCountries : c.ToUpperInvariant())
            .Distinct(StringComparer.Ordinal).ToList();
        foreach (var country in countries)
        {
            var path = Path.Combine(options.Directory, $"{country}.txt");
            if (!File.Exists(path))
            {
                throw new InvalidOperationException(
                    $"Gazetteer file '{path}' is missing: check {GazetteerOptions.Section}:Countries and {GazetteerOptions.Section}:Directory.");
            }
            files.Add(path);
            gazetteer.Reserve(new FileInfo(path).Length);
            using var reader = new StreamReader(path, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
            while (reader.ReadLine() is { } line)
            {
                if (!gazetteer.TryAddRow(line))
                {
                    malformed++;
                }
            }
        }
        foreach (var country in countries)
        {
            // Who's On First features that GeoNames ids do not cover (districts, airports); optional per country.
            var extras = Path.Combine(options.Directory, $"{country}.extra.tsv");
            if (File.Exists(extras))
            {
                files.Add(extras);
                malformed += gazetteer.LoadWhosOnFirstExtras(extras, country);
            }
        }
        gazetteer.LoadAdminNames(Path.Combine(options.Directory, "admin1CodesASCII.txt"), gazetteer._admin1Names);
        gazetteer.LoadAdminNames(Path.Combine(options.Directory, "admin2Codes.txt"), gazetteer._admin2Names);
        gazetteer.LoadOverlay(countries);
        gazetteer.InferMissingAdmin1();
        gazetteer._byName.Compact();
        gazetteer.LinkTwins();
        gazetteer._bySkeleton.Compact();
        gazetteer._byLoose.Compact();
        gazetteer._byArabicSkeleton.Compact();
        gazetteer.Report = new GazetteerLoadReport(gazetteer._places.Count, gazetteer._byName.Count, malformed, files);
        return gazetteer;
    }

    private bool TryAddRow(string line)
    {
        if (line.Length == 0 || line[0] == '#')
        {
            return true;
        }
        Span<Range> columns = stackalloc Range[20];
        var span = line.AsSpan();
        var count = span.Split(columns, '\t');
        if (count < 15
            || !long.TryParse(span[columns[0]], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || !double.TryParse(span[columns[4]], NumberStyles.Float, CultureInfo.InvariantCulture, out var latitude)
            || !double.TryParse(span[columns[5]], NumberStyles.Float, CultureInfo.InvariantCulture, out var longitude)
            || !ValidCoordinates(latitude, longitude))
        {
            return false;
        }
        if (_byId.ContainsKey(id))
        {
            // The same row from two files (allCountries and a country file): one place.
            return true;
        }
        _ = long.TryParse(span[columns[14]], NumberStyles.None, CultureInfo.InvariantCulture, out var population);
        var place = new GazetteerPlace(id, line[columns[1]], latitude, longitude, Code(span[columns[6]]), Code(span[columns[7]]),
            Code(span[columns[8]]), Code(span[columns[10]]), Code(span[columns[11]]), population);
        var index = _places.Count;
        _places.Add(place);
        _byId[id] = index;
        _countries.Add(place.CountryCode);
        AddName(span[columns[1]], index);
        AddName(span[columns[2]], index);
        foreach (var alternate in span[columns[3]].Split(','))
        {
            AddName(span[columns[3]][alternate].Trim(), index);
        }
        if (place.FeatureCode == "ADM1" && place.Admin1Code.Length > 0)
        {
            _admin1Features.TryAdd((place.CountryCode, place.Admin1Code), index);
        }
        if (IsSkeletonIndexed(place))
        {
            // The primary name, not the ASCII column: GeoNames' ASCII form drops the letters it cannot write ("Eşen" is
            // "Een", "Sirmānīyah" is "Sirmnyah"), which would give skeletons of other names.
            AddSkeleton(span[columns[1]], index);
            if (IsAllCountries)
            {
                return true;
            }
            foreach (var alternate in span[columns[3]].Split(','))
            {
                var name = span[columns[3]][alternate].Trim();
                if (name.Length > 0 && name[0] < '\u0250')
                {
                    AddSkeleton(name, index);
                }
                else if (name.Length > 0 && Script.IsArabic(name[0]))
                {
                    AddKey(_byArabicSkeleton, ArabicSkeleton(name.ToString()), index);
                }
            }
        }
        return true;
    }

    // A GeoNames row takes about 110 bytes on average. Sizing the collections for the file up front avoids
    // regrowing arrays of millions of entries, whose discarded copies would double the peak memory of a big load.
    private const int AverageRowBytes = 110;

    private void Reserve(long fileBytes)
    {
        var rows = (int)Math.Min(int.MaxValue / 2, fileBytes / AverageRowBytes);
        _places.EnsureCapacity(_places.Count + rows);
        _byId.EnsureCapacity(_byId.Count + rows);
        _byName.EnsureCapacity(_byName.Count + rows);
    }

    private static bool ValidCoordinates(double latitude, double longitude) =>
        double.IsFinite(latitude) && double.IsFinite(longitude) && latitude is >= -90 and <= 90 && longitude is >= -180 and <= 180;

    private string Code(ReadOnlySpan<char> value)
    {
        var lookup = _codes.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(value, out var code))
        {
            return code;
        }
        code = value.ToString();
        _codes[code] = code;
        return code;
    }

    /// <summary>
    /// Rows of a Who's On First extras file (wof_id, placetype, name, Arabic names, lat, lon). They have no GeoNames
    /// id: they are stored under the negated WOF id, which <see cref="IsWhosOnFirst"/> recognises. Returns the number
    /// of malformed rows.
    /// </summary>
    private int LoadWhosOnFirstExtras(string path, string country)
    {
        var malformed = 0;
        foreach (var line in File.ReadLines(path))
        {
            var columns = line.Split('\t');
            if (line.StartsWith("wof_id", StringComparison.Ordinal) || line.Length == 0)
            {
                continue;
            }
            if (columns.Length < 6
                || !long.TryParse(columns[0], NumberStyles.None, CultureInfo.InvariantCulture, out var wofId)
                || !double.TryParse(columns[4], NumberStyles.Float, CultureInfo.InvariantCulture, out var latitude)
                || !double.TryParse(columns[5], NumberStyles.Float, CultureInfo.InvariantCulture, out var longitude)
                || !ValidCoordinates(latitude, longitude))
            {
                malformed++;
                continue;
            }
            var (featureClass, featureCode) = columns[1] switch
            {
                "region" => ("A", "ADM1"),
                "county" => ("A", "ADM2"),
                "locality" => ("P", "PPL"),
                "neighbourhood" => ("P", "PPLX"),
                "campus" => ("S", "AIRP"),
                _ => ("L", "AREA"),
            };
            var index = _places.Count;
            _places.Add(new GazetteerPlace(-wofId, columns[2], latitude, longitude, featureClass, featureCode, country, "", "", 0));
            _byId[-wofId] = index;
            AddName(columns[2], index);
            foreach (var name in columns[3].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                AddName(name, index);
            }
        }
        return malformed;
    }

    /// <summary>
    /// True for a feature without a GeoNames id: a Who's On First extra (stored under its negated WOF id) or a
    /// curated overlay feature.
    /// </summary>
    public static bool IsWhosOnFirst(GazetteerPlace place) => place.GeonameId < 0;

    private void AddName(string name, int index) => AddName(name.AsSpan(), index);

    private void AddName(ReadOnlySpan<char> name, int index)
    {
        if (name.IsEmpty)
        {
            return;
        }
        Span<char> buffer = name.Length <= 256 ? stackalloc char[name.Length + 1] : new char[name.Length + 1];
        var key = buffer[..WriteNameKey(name, buffer)];
        if (key.IsEmpty)
        {
            return;
        }
        // Only Arabic script keeps the article as part of the written form; in Latin transliterations "al-" comes
        // and goes ("Al-Hasakah", "Hasakah"), so exactness there would favour whichever spelling a row happens to use.
        if (Script.IsArabic(key[0]))
        {
            _exactNames.Add(ExactKey(name, index));
        }
        LongestNameWords = Math.Max(LongestNameWords, key.Count(' ') + 1);
        var space = key.IndexOf(' ');
        var bit = FirstWordBit(space < 0 ? key : key[..space]);
        _firstWords[bit >> 6] |= 1UL << (bit & 63);
        _byName.Add(key, index);
    }

    private static long ExactKey(ReadOnlySpan<char> name, int index)
    {
        Span<char> folded = name.Length <= 256 ? stackalloc char[name.Length] : new char[name.Length];
        var length = TextFolding.FoldInto(name, folded);
        return ((long)string.GetHashCode(folded[..length]) << 32) | (uint)index;
    }

    // Transliteration variants ("Dayr az Zawr", "Deir ez-Zor", "Kamishli") are found through a consonant skeleton and a
    // vowel-class spelling key of every Latin name (primary and alternate) of populated places and admin areas.
    private readonly PostingIndex _bySkeleton = new();


    // The worldwide dump keeps skeletons of its towns, cities and admin areas only, by their primary name: that is where
    // spellings vary, and it keeps an allCountries load small. A country file indexes every populated place and admin
    // area, by all its Latin names.
    private bool IsAllCountries { get; set; }

    private bool IsSkeletonIndexed(GazetteerPlace place) =>
        !IsAllCountries ? place.FeatureClass is "P" or "A"
        : place.FeatureClass == "A" || place.FeatureClass == "P" && (place.Population > 0 || place.FeatureCode.StartsWith("PPLA", StringComparison.Ordinal)
            || place.FeatureCode == "PPLC");

    private void AddSkeleton(ReadOnlySpan<char> latinName, int index)
    {
        var name = latinName.ToString();
        if (!IsAllCountries)
        {
            AddKey(_byLoose, LooseKey(name), index);
        }
        AddKey(_bySkeleton, Skeleton(name), index);
    }

    private static void AddKey(PostingIndex index, string key, int place)
    {
        if (key.Replace(" ", "", StringComparison.Ordinal).Length >= 2)
        {
            index.Add(key, place);
        }
    }

    // Spelling variants that keep their vowels' kind ("Jbine"/"Jubbayn" differ here, "Tayyana"/"Tayyanah" do not): a
    // stricter key than the skeleton, so short names (two consonants) can match by it.
    private readonly PostingIndex _byLoose = new();

    /// <summary>
    /// The vowel-class key of a Latin name: articles dropped (glued ones too), q written k, a final h after a vowel
    /// dropped, a and e one letter, i and y one, o, u and w one (except a word's first w or y), doubled letters single.
    /// "Tayyana" and "Tayyānah" give "taiana"; "Sosa" and "Sūsah" give "susa".
    /// </summary>
    public static string LooseKey(string name) => LatinKey(name, static (word, builder) =>
    {
        word = Interdental(word.Replace('q', 'k'));
        if (word.Length > 2 && word[^1] == 'h' && word[^2] is 'a' or 'e' or 'i' or 'o' or 'u' or 'y')
        {
            word = word[..^1];
        }
        var start = builder.Length;
        for (var i = 0; i < word.Length; i++)
        {
            var c = i == 0 && word[i] is 'w' or 'y' ? word[i] : word[i] switch
            {
                'e' => 'a',
                'y' => 'i',
                'o' or 'w' => 'u',
                var other => other,
            };
            if (builder.Length == start || builder[^1] != c)
            {
                builder.Append(c);
            }
        }
    });

    /// <summary>
    /// A key of a Latin name built word by word (articles dropped, glued ones too) by <paramref name="appendWord"/>;
    /// empty for a name in Arabic script.
    /// </summary>
    private static string LatinKey(string name, Action<string, System.Text.StringBuilder> appendWord)
    {
        var key = NameKey(name);
        var builder = new System.Text.StringBuilder(key.Length);
        foreach (var whole in key.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (Script.IsArabic(whole[0]))
            {
                return "";
            }
            if (builder.Length > 0)
            {
                builder.Append(' ');
            }
            appendWord(WithoutGluedArticle(whole), builder);
        }
        return builder.ToString();
    }

    private readonly PostingIndex _byArabicSkeleton = new();

    /// <summary>
    /// The skeleton of an Arabic name: folded, the article dropped, the long vowels ا و ي dropped after a word's first
    /// letter, doubled letters single. "المزاريب" and "المزيريب" both give "مزرب".
    /// </summary>
    public static string ArabicSkeleton(string name)
    {
        var key = NameKey(name);
        var builder = new System.Text.StringBuilder(key.Length);
        foreach (var word in key.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Script.IsArabic(word[0]))
            {
                return "";
            }
            if (builder.Length > 0)
            {
                builder.Append(' ');
            }
            var start = builder.Length;
            for (var i = 0; i < word.Length; i++)
            {
                if (i > 0 && word[i] is 'ا' or 'و' or 'ي' || builder.Length > start && builder[^1] == word[i])
                {
                    continue;
                }
                builder.Append(word[i]);
            }
        }
        return builder.ToString();
    }

    /// <summary>Places with an Arabic name of the same skeleton (<see cref="ArabicSkeleton"/>), of four letters or more.</summary>
    public IReadOnlyList<GazetteerPlace> FindByArabicSkeleton(string name)
    {
        var skeleton = ArabicSkeleton(name);
        return skeleton.Count(c => c != ' ') < 4 ? [] : _byArabicSkeleton.Find(skeleton).Select(i => _places[i]).ToList();
    }

    /// <summary>Places one of whose Latin names has the same vowel-class key (<see cref="LooseKey"/>), of three letters or more.</summary>
    public IReadOnlyList<GazetteerPlace> FindByLooseKey(string name)
    {
        var key = LooseKey(name);
        return key.Replace(" ", "", StringComparison.Ordinal).Length < 3 ? [] : _byLoose.Find(key).Select(i => _places[i]).ToList();
    }

    /// <summary>
    /// The consonant skeleton of a Latin name: articles dropped (also glued and assimilated: "Ezzor", "Arraqqa", "Eljoz"), a
    /// word's first vowel written a ("Ein", "Ain", "Ayn" and "Issa", "Isa" alike), later vowels and w/y removed, q
    /// written k, a final h dropped, doubled letters single. "Deir ez-Zor", "Dayr az Zawr", "Deir Ezzor" and "Deir
    /// al-Zor" all give "dr zr"; "Qamishli" and "Kamishli" give "kmshl"; "Ein Issa" and "‘Ayn ‘Īsá" give "an as".
    /// </summary>
    public static string Skeleton(string name) => LatinKey(name, static (word, builder) =>
    {
        word = Interdental(word);
        var start = builder.Length;
        for (var i = 0; i < word.Length; i++)
        {
            var c = word[i] == 'q' ? 'k' : word[i];
            var vowel = c is 'a' or 'e' or 'i' or 'o' or 'u' or 'y' or 'w';
            if (i == 0 && c is 'a' or 'e' or 'i' or 'o' or 'u')
            {
                c = 'a';
            }
            else if (i > 0 && (vowel || c == 'h' && i == word.Length - 1 && word[i - 1] is 'a' or 'e'))
            {
                continue;
            }
            if (builder.Length == start || builder[^1] != c)
            {
                builder.Append(c);
            }
        }
    });

    /// <summary>
    /// ث and ذ are written th or dh by one transliterator and the other ("Thiban" and "Dhiban" are one town): both digraphs
    /// become one letter, θ, in the spelling keys; غ is gh or g ("Baguz", Al Baghuz).
    /// </summary>
    private static string Interdental(string word) =>
        word.Contains('h', StringComparison.Ordinal)
            ? word.Replace("th", "θ", StringComparison.Ordinal).Replace("dh", "θ", StringComparison.Ordinal).Replace("gh", "g", StringComparison.Ordinal)
            : word;

    /// <summary>"ezzor" is "zor", "arraqqa" "raqqa": an article glued to a name whose sun letter it doubled.</summary>
    private static string WithoutGluedArticle(string word)
    {
        if (word.Length > 4 && word[0] is 'a' or 'e' && word[1] == word[2] && word[1] is 'd' or 'r' or 's' or 't' or 'z' or 'n' or 'l')
        {
            return word[2..];
        }
        // "eljoz", "alhasakah": al/el glued before a consonant, when a name of three letters or more is left.
        return word.Length >= 5 && word[0] is 'a' or 'e' && word[1] == 'l' && !(word[2] is 'a' or 'e' or 'i' or 'o' or 'u' or 'y' or 'w' or 'l')
            ? word[2..]
            : word;
    }

    /// <summary>Places whose Latin names have the same consonant skeleton as <paramref name="name"/>.</summary>
    public IReadOnlyList<GazetteerPlace> FindBySkeleton(string name)
    {
        // Two consonants ("zx", "tr") are a skeleton of too many names to be evidence of any.
        var skeleton = Skeleton(name);
        return skeleton.Replace(" ", "", StringComparison.Ordinal).Length < 3 ? [] : _bySkeleton.Find(skeleton).Select(i => _places[i]).ToList();
    }

    private IReadOnlyList<int> Postings(string key) => _byName.Find(key);

    private void LoadAdminNames(string path, Dictionary<string, string> names)
    {
        if (!File.Exists(path))
        {
            return;
        }
        foreach (var line in File.ReadLines(path))
        {
            var columns = line.Split('\t');
            if (columns.Length >= 2)
            {
                names[columns[0]] = columns[1];
            }
        }
    }

    /// <summary>
    /// The curated overlay (Data/overlay.tsv): aliases for GeoNames places ("geonameid, alias") and features the dumps
    /// lack ("feature, key, name, lat, lon, country, feature class, feature code, aliases"). A feature already present
    /// within 1 km under the same name (from the Who's On First extras, say) only gains the aliases.
    /// </summary>
    private void LoadOverlay(IReadOnlyCollection<string> countries)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Data.overlay.tsv")
            ?? throw new InvalidOperationException("The curated gazetteer overlay is not embedded.");
        using var reader = new StreamReader(stream);
        var features = 0;
        while (reader.ReadLine() is { } line)
        {
            var columns = line.Split('\t');
            if (line.StartsWith('#') || columns.Length < 2)
            {
                continue;
            }
            if (columns[0] == "feature" && columns.Length >= 9)
            {
                features++;
                AddOverlayFeature(columns, countries, features);
                continue;
            }
            // An alias for a place outside the loaded countries is simply not used.
            if (long.TryParse(columns[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id) && _byId.TryGetValue(id, out var index))
            {
                AddName(columns[1], index);
            }
        }
    }

    // Overlay features live below every Who's On First id: they too have no GeoNames id.
    private const long OverlayIdBase = -9_000_000_000_000_000;

    private void AddOverlayFeature(string[] columns, IReadOnlyCollection<string> countries, int ordinal)
    {
        if (!countries.Contains(columns[5]) && !countries.Contains(AllCountries)
            || !double.TryParse(columns[3], NumberStyles.Float, CultureInfo.InvariantCulture, out var latitude)
            || !double.TryParse(columns[4], NumberStyles.Float, CultureInfo.InvariantCulture, out var longitude)
            || !ValidCoordinates(latitude, longitude))
        {
            return;
        }
        var aliases = columns[8].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var existing = Postings(NameKey(columns[2])).FirstOrDefault(i =>
            Math.Abs(_places[i].Latitude - latitude) < 0.01 && Math.Abs(_places[i].Longitude - longitude) < 0.01, -1);
        var index = existing;
        if (existing < 0)
        {
            index = _places.Count;
            var id = OverlayIdBase - ordinal;
            _places.Add(new GazetteerPlace(id, columns[2], latitude, longitude, columns[6], columns[7], columns[5], "", "", 0));
            _byId[id] = index;
            AddName(columns[2], index);
        }
        foreach (var alias in aliases)
        {
            AddName(alias, index);
        }
    }

    private const double GridCellDegrees = 0.1;
    private const int GridSearchRings = 6;

    /// <summary>
    /// Some rows carry no admin1 code (Saraqib, Manbij). They take the codes of the nearest place of the same country
    /// that has them, within about 60 km, so every result can name its governorate.
    /// </summary>
    private void InferMissingAdmin1()
    {
        static (int, int) Cell(GazetteerPlace p) =>
            ((int)Math.Floor(p.Latitude / GridCellDegrees), (int)Math.Floor(p.Longitude / GridCellDegrees));
        var grid = new Dictionary<(string Country, int Row, int Column), List<int>>();
        for (var i = 0; i < _places.Count; i++)
        {
            if (_places[i].Admin1Code.Length > 0)
            {
                var (row, column) = Cell(_places[i]);
                var key = (_places[i].CountryCode, row, column);
                if (!grid.TryGetValue(key, out var list))
                {
                    grid[key] = list = [];
                }
                list.Add(i);
            }
        }
        for (var i = 0; i < _places.Count; i++)
        {
            var place = _places[i];
            if (place.Admin1Code.Length > 0 || place.FeatureCode is "ADM1" or "PCLI")
            {
                continue;
            }
            var (row, column) = Cell(place);
            var best = -1;
            var bestDistance = double.MaxValue;
            for (var ring = 0; ring <= GridSearchRings && (best < 0 || ring <= 1); ring++)
            {
                for (var r = row - ring; r <= row + ring; r++)
                {
                    for (var c = column - ring; c <= column + ring; c++)
                    {
                        if (Math.Max(Math.Abs(r - row), Math.Abs(c - column)) != ring
                            || !grid.TryGetValue((place.CountryCode, r, c), out var neighbours))
                        {
                            continue;
                        }
                        foreach (var n in neighbours)
                        {
                            var dLat = _places[n].Latitude - place.Latitude;
                            var dLon = (_places[n].Longitude - place.Longitude) * Math.Cos(place.Latitude * Math.PI / 180);
                            var distance = dLat * dLat + dLon * dLon;
                            if (distance < bestDistance)
                            {
                                bestDistance = distance;
                                best = n;
                            }
                        }
                    }
                }
            }
            if (best >= 0)
            {
                _places[i] = place with { Admin1Code = _places[best].Admin1Code, Admin2Code = _places[best].Admin2Code };
            }
        }
    }

    /// <summary>How far apart two rows of one town may lie and still be one place (<see cref="Canonical"/>).</summary>
    public const double TwinKm = 2;

    // Place index -> the index of the row that stands for the same town (see LinkTwins).
    private readonly Dictionary<int, int> _twinOf = [];

    /// <summary>
    /// GeoNames often holds one town twice: a row with the population and a second, population-less row a few hundred
    /// metres away that carries another spelling (Al-Thawrah, 87,880 people, and Aţ Ţabaqah, 0, both "الطبقة", 300 m
    /// apart). Which row a mention matches then depends on the spelling and the language, and an Arabic and an English
    /// report of one town get two ids. A populated place without population that shares a name with a populated place
    /// with population, in the same country and within <see cref="TwinKm"/>, stands for it (the most populous such neighbour).
    /// </summary>
    private void LinkTwins()
    {
        foreach (var postings in _byName.SharedPostings())
        {
            if (postings.Count > 1000)
            {
                // A generic word many places carry ("village"), not a town's name.
                continue;
            }
            foreach (var lesser in postings)
            {
                var place = _places[lesser];
                if (place.FeatureClass != "P" || place.Population > 0)
                {
                    continue;
                }
                foreach (var greater in postings)
                {
                    var other = _places[greater];
                    // Ras al-Ain and Ceylanpınar share a name and a border, not a town: twins are of one country.
                    if (other.FeatureClass == "P" && other.Population > 0 && other.CountryCode == place.CountryCode
                        && (!_twinOf.TryGetValue(lesser, out var known) || _places[known].Population < other.Population)
                        && GreatCircle.Km(place.Latitude, place.Longitude, other.Latitude, other.Longitude) <= TwinKm)
                    {
                        _twinOf[lesser] = greater;
                    }
                }
            }
        }
    }

    /// <summary>The row that stands for <paramref name="place"/>'s town: itself, or its populated twin (<see cref="LinkTwins"/>).</summary>
    public GazetteerPlace Canonical(GazetteerPlace place)
    {
        ArgumentNullException.ThrowIfNull(place);
        return _byId.TryGetValue(place.GeonameId, out var index) && _twinOf.TryGetValue(index, out var twin) ? _places[twin] : place;
    }

    /// <summary>How many rows stand for a populated twin (<see cref="LinkTwins"/>).</summary>
    public int Twins => _twinOf.Count;

    /// <summary>Places whose name, in any language, folds to the same key as <paramref name="name"/>.</summary>
    public IReadOnlyList<GazetteerPlace> Find(string name) => Postings(NameKey(name)).Select(i => _places[i]).ToList();

    /// <summary>
    /// Places matching <paramref name="name"/>, each flagged when one of its names is the same to the letter
    /// (article included): "الصور" is Aş Şuwar exactly, and Tyre ("صور") only once the article is dropped.
    /// </summary>
    public IReadOnlyList<(GazetteerPlace Place, bool Exact)> FindWithExactness(string name)
    {
        return Postings(NameKey(name)).Select(i => (_places[i], _exactNames.Contains(ExactKey(name, i)))).ToList();
    }

    // A bit per hash bucket of the first words of all name keys (2^22 bits, 512 KB; a few per cent of other words share a
    // bucket with one): a word whose bit is clear begins no name and need not be looked up with what follows it.
    private readonly ulong[] _firstWords = new ulong[(1 << FirstWordBits) / 64];
    private const int FirstWordBits = 22;

    private static int FirstWordBit(ReadOnlySpan<char> word) => (int)((uint)string.GetHashCode(word) >> (32 - FirstWordBits));

    /// <summary>
    /// False when no name the gazetteer knows begins with <paramref name="word"/> (a folded word without its Arabic
    /// article); true means it may (a hash is compared).
    /// </summary>
    public bool MayBeginName(string word)
    {
        var bit = FirstWordBit(Tokenizer.StripArticle(word));
        return (_firstWords[bit >> 6] & (1UL << (bit & 63))) != 0;
    }

    /// <summary>True when the gazetteer holds places of the country (ISO code).</summary>
    public bool HasCountry(string countryCode) => _countries.Contains(countryCode);

    private readonly HashSet<string> _countries = new(StringComparer.Ordinal);

    /// <summary>The governorate (first-level admin area) a place lies in, when the gazetteer has it as a feature.</summary>
    public GazetteerPlace? Admin1Feature(GazetteerPlace place) =>
        place.Admin1Code.Length > 0 && _admin1Features.TryGetValue((place.CountryCode, place.Admin1Code), out var index) ? _places[index] : null;

    /// <summary>True for a word that is a place name somewhere but in running text means the common word (Data/common-words.tsv).</summary>
    public bool IsCommonWord(string word) => CommonWords.Contains(NameKey(word));

    private static readonly HashSet<string> CommonWords = LoadCommonWords();

    private static HashSet<string> LoadCommonWords()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Data.common-words.tsv")
            ?? throw new InvalidOperationException("The common-word list is not embedded.");
        using var reader = new StreamReader(stream);
        var words = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && !line.StartsWith('#'))
            {
                words.Add(NameKey(line.Trim()));
                words.Add(TextFolding.Fold(line.Trim()));
            }
        }
        return words;
    }

    public GazetteerPlace? Get(long geonameId) => _byId.TryGetValue(geonameId, out var index) ? _places[index] : null;

    public string? Admin1Name(GazetteerPlace place) =>
        _admin1Names.GetValueOrDefault($"{place.CountryCode}.{place.Admin1Code}");

    public string? Admin2Name(GazetteerPlace place) =>
        _admin2Names.GetValueOrDefault($"{place.CountryCode}.{place.Admin1Code}.{place.Admin2Code}");

    // Latin articles and their assimilated forms: "Deir ez-Zor", "Ras al-Ain", "el-Bab" (see IsLatinArticle).
    /// <summary>The matching key of a name: folded words without Arabic or Latin articles.</summary>
    public static string NameKey(string name)
    {
        Span<char> buffer = name.Length <= 256 ? stackalloc char[name.Length + 1] : new char[name.Length + 1];
        return new string(buffer[..WriteNameKey(name, buffer)]);
    }

    /// <summary>
    /// Writes the key of <paramref name="name"/> into <paramref name="destination"/> (at least name length + 1) and
    /// returns its length. Words are runs of letters and digits after folding; an Arabic word loses a leading ال
    /// (when more than a letter remains), a Latin article ("al", "el", "ez", ...) is dropped unless it is the only word.
    /// </summary>
    public static int WriteNameKey(ReadOnlySpan<char> name, Span<char> destination)
    {
        Span<char> folded = name.Length <= 256 ? stackalloc char[name.Length] : new char[name.Length];
        folded = folded[..TextFolding.FoldInto(name, folded)];
        Span<Range> words = stackalloc Range[32];
        var count = 0;
        for (var i = 0; i < folded.Length && count < words.Length;)
        {
            if (!char.IsLetterOrDigit(folded[i]))
            {
                i++;
                continue;
            }
            var start = i;
            while (i < folded.Length && char.IsLetterOrDigit(folded[i]))
            {
                i++;
            }
            words[count++] = start..i;
        }
        var written = 0;
        for (var w = 0; w < count; w++)
        {
            var word = folded[words[w]];
            if (Script.IsArabic(word[0]))
            {
                if (word.Length > 3 && word.StartsWith("ال"))
                {
                    word = word[2..];
                }
            }
            else if (count > 1 && IsLatinArticle(word))
            {
                continue;
            }
            if (written > 0)
            {
                destination[written++] = ' ';
            }
            word.CopyTo(destination[written..]);
            written += word.Length;
        }
        return written;
    }

    /// <summary>True for a Latin article ("al", "el", "ez", ...).</summary>
    public static bool IsArticle(string word) => IsLatinArticle(word);

    private static bool IsLatinArticle(ReadOnlySpan<char> word) =>
        word is "al" or "el" or "ad" or "ar" or "as" or "ash" or "at" or "az" or "ed" or "er" or "es" or "et" or "ez" or "an" or "en";
}
