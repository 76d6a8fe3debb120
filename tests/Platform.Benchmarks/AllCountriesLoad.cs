using System.Diagnostics;
using System.Globalization;
using System.Text;
using Platform.Geocoding.Engine;

namespace Platform.Benchmarks;

/// <summary>
/// The allCountries-sized load measurement: writes a synthetic GeoNames dump (13 million rows by default, with the
/// real file's column layout and a similar mix of names, alternate names and Arabic names), then loads it and
/// reports the time and the peak memory of the process.
///   dotnet run -c Release --project tests/Platform.Benchmarks -- allcountries DIR [ROWS]
/// </summary>
public static class AllCountriesLoad
{
    private static readonly string[] Syllables =
    [
        "al", "bar", "dir", "tal", "kaf", "ras", "ain", "sur", "man", "bij", "ham", "ra", "qa", "mi", "shli", "zor", "bagh", "uz",
        "dar", "ya", "nor", "vik", "ton", "ville", "berg", "san", "ta", "lo", "pe", "ri", "ko", "chi", "wa", "ne", "su", "ga",
        "lin", "mar", "sel", "dor", "fa", "gu", "he", "jo", "ku", "le", "mo", "nu", "po", "qui", "ro", "si", "tu", "vo", "we",
        "xi", "yo", "ze", "an", "en",
    ];
    private static readonly string[] ArabicSyllables = ["تل", "عين", "دير", "كفر", "بر", "من", "ز", "ور", "قا", "مش", "لي", "با", "غوز", "حم", "را"];
    private static readonly string[] FeatureCodes = ["PPL", "PPL", "PPL", "PPLA3", "PPLL", "STM", "HLL", "FRM", "ADM3", "MT"];

    public static int Run(string[] args)
    {
        var directory = args.Length > 1 ? args[1] : throw new ArgumentException("allcountries DIR [ROWS]");
        var rows = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 13_000_000;
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, "XX.txt");
        var clock = Stopwatch.StartNew();
        Write(file, rows);
        Console.WriteLine($"wrote {rows:N0} rows ({new FileInfo(file).Length / 1024 / 1024:N0} MiB) in {clock.Elapsed.TotalSeconds:F1} s");

        clock.Restart();
        var gazetteer = Gazetteer.Load(new GazetteerOptions { Directory = directory, Countries = ["XX"] });
        var seconds = clock.Elapsed.TotalSeconds;
        GC.Collect();
        var live = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine($"loaded {gazetteer.Report.Places:N0} places, {gazetteer.Report.Names:N0} names, {gazetteer.Report.MalformedRows} malformed, in {seconds:F1} s");
        Console.WriteLine($"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1024.0 / 1024 / 1024:F2} GiB, live heap after load {live / 1024.0 / 1024 / 1024:F2} GiB");
        GC.KeepAlive(gazetteer);
        return 0;
    }

    private static void Write(string path, int rows)
    {
        var random = new Random(13);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        var line = new StringBuilder(512);
        for (var id = 1; id <= rows; id++)
        {
            line.Clear();
            var name = Word(random, Syllables, 2, 5);
            line.Append(id).Append('\t').Append(char.ToUpperInvariant(name[0])).Append(name.AsSpan(1)).Append('\t').Append(name).Append('\t');
            // About half the rows have alternate names; some have Arabic ones.
            var alternates = random.Next(4) == 0 ? random.Next(1, 8) : random.Next(2);
            for (var a = 0; a < alternates; a++)
            {
                if (a > 0)
                {
                    line.Append(',');
                }
                line.Append(random.Next(3) == 0 ? Word(random, ArabicSyllables, 2, 3) : Word(random, Syllables, 2, 4));
            }
            var latitude = random.NextDouble() * 140 - 60;
            var longitude = random.NextDouble() * 360 - 180;
            var code = FeatureCodes[random.Next(FeatureCodes.Length)];
            var featureClass = code.StartsWith("PPL", StringComparison.Ordinal) ? 'P' : code.StartsWith("ADM", StringComparison.Ordinal) ? 'A' : code is "STM" ? 'H' : code is "FRM" ? 'S' : 'T';
            line.Append('\t').Append(latitude.ToString("F5", CultureInfo.InvariantCulture))
                .Append('\t').Append(longitude.ToString("F5", CultureInfo.InvariantCulture))
                .Append('\t').Append(featureClass).Append('\t').Append(code)
                .Append('\t').Append((char)('A' + random.Next(26))).Append((char)('A' + random.Next(26)))
                .Append("\t\t").Append(random.Next(1, 30).ToString("00", CultureInfo.InvariantCulture))
                .Append('\t').Append(random.Next(1, 300)).Append("\t\t\t")
                .Append(random.Next(10) == 0 ? random.Next(100, 100_000) : 0)
                .Append("\t\t").Append(random.Next(0, 2000)).Append("\tEurope/Paris\t2024-01-01");
            writer.WriteLine(line);
        }
    }

    private static string Word(Random random, string[] syllables, int min, int max)
    {
        var count = random.Next(min, max + 1);
        var builder = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            builder.Append(syllables[random.Next(syllables.Length)]);
        }
        return builder.ToString();
    }
}
