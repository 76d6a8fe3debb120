using System.IO.Compression;

namespace Platform.Cli.Downloads;

/// <summary>
/// platform gazetteer download --countries SY,IQ --to DIR [--base-url URL]: fetches the official GeoNames dumps
/// (one zip per country, or allCountries) and the admin code tables into DIR, ready for Gazetteer:Directory.
/// </summary>
public static class GazetteerDownload
{
    public const string DefaultBaseUrl = "https://download.geonames.org/export/dump/";
    private static readonly string[] AdminTables = ["admin1CodesASCII.txt", "admin2Codes.txt"];

    public static async Task<int> RunAsync(Arguments arguments, HttpClient http, CancellationToken cancellationToken)
    {
        var countries = (arguments.Get("countries") ?? throw new UsageException("gazetteer download needs --countries SY,IQ,... (or allCountries)."))
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var target = arguments.Get("to") ?? throw new UsageException("gazetteer download needs --to DIR.");
        var baseUrl = new Uri(arguments.Get("base-url", DefaultBaseUrl).TrimEnd('/') + "/");
        Directory.CreateDirectory(target);

        var names = countries.Select(country => country.Equals("allCountries", StringComparison.OrdinalIgnoreCase) ? "allCountries"
            : country.Length == 2 && country.All(char.IsAsciiLetter) ? country.ToUpperInvariant()
            : throw new UsageException($"'{country}' is not a country: give ISO codes such as SY,IQ or allCountries.")).ToList();
        foreach (var name in names)
        {
            var zip = Path.Combine(target, $"{name}.zip");
            try
            {
                await DownloadAsync(http, new Uri(baseUrl, $"{name}.zip"), zip, cancellationToken);
                Unzip(zip, $"{name}.txt", Path.Combine(target, $"{name}.txt"), baseUrl);
            }
            finally
            {
                File.Delete(zip);
            }
            Console.WriteLine($"{name}.txt");
        }
        foreach (var table in AdminTables)
        {
            await DownloadAsync(http, new Uri(baseUrl, table), Path.Combine(target, table), cancellationToken);
            Console.WriteLine(table);
        }
        Console.WriteLine($"GeoNames data (CC BY 4.0, geonames.org) in {Path.GetFullPath(target)}: set Gazetteer__Directory to it.");
        return 0;
    }

    /// <summary>Unzips one entry next to its destination, then moves it in: an interrupted unzip leaves the old file.</summary>
    private static void Unzip(string zip, string entryName, string destination, Uri baseUrl)
    {
        var partial = destination + ".partial";
        try
        {
            using (var archive = ZipFile.OpenRead(zip))
            {
                var entry = archive.GetEntry(entryName)
                    ?? throw new UsageException($"{Path.GetFileName(zip)} holds no {entryName}: is {baseUrl} a GeoNames dump folder?");
                entry.ExtractToFile(partial, overwrite: true);
            }
            File.Move(partial, destination, overwrite: true);
        }
        catch (InvalidDataException e)
        {
            throw new UsageException($"{Path.GetFileName(zip)} is not a valid zip file: {e.Message}");
        }
        finally
        {
            File.Delete(partial);
        }
    }

    private static async Task DownloadAsync(HttpClient http, Uri source, string path, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync(source, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new UsageException($"Cannot download {source}: {e.Message}. Is this machine offline? Copy the GeoNames files by hand instead.");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new UsageException($"Cannot download {source}: timed out. Is this machine offline? Copy the GeoNames files by hand instead.");
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new UsageException($"Cannot download {source}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}.");
            }
            var partial = path + ".partial";
            try
            {
                await using (var file = File.Create(partial))
                {
                    await response.Content.CopyToAsync(file, cancellationToken);
                }
                // Only a complete download replaces what was there.
                File.Move(partial, path, overwrite: true);
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                throw new UsageException($"Downloading {source} broke off: {e.Message}. Nothing was replaced; try again.");
            }
            finally
            {
                File.Delete(partial);
            }
        }
    }
}
