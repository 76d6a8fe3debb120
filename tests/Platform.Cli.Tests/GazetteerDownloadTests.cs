using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using Platform.Cli.Downloads;

namespace Platform.Cli.Tests;

/// <summary>The download command against a GeoNames-like folder served on 127.0.0.1, and with nothing listening.</summary>
public sealed class GazetteerDownloadTests : IDisposable
{
    private readonly DirectoryInfo _target = Directory.CreateTempSubdirectory("gazetteer-download");

    public void Dispose() => _target.Delete(recursive: true);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static byte[] Zip(string entryName, string content)
    {
        using var memory = new MemoryStream();
        using (var archive = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var writer = new StreamWriter(archive.CreateEntry(entryName).Open());
            writer.Write(content);
        }
        return memory.ToArray();
    }

    [Fact]
    public async Task Country_dumps_are_unzipped_and_admin_tables_fetched()
    {
        var port = FreePort();
        var files = new Dictionary<string, byte[]>
        {
            ["/SY.zip"] = Zip("SY.txt", "172413\tAş Şuwar\tAs Suwar\t\t35.50603\t40.65671\tP\tPPL\tSY\t\t07\t\t\t\t0\t\t\t\t\n"),
            ["/admin1CodesASCII.txt"] = "SY.07\tDeir ez-Zor\tDeir ez-Zor\t170792\n"u8.ToArray(),
            ["/admin2Codes.txt"] = ""u8.ToArray(),
        };
        using var server = new HttpListener();
        server.Prefixes.Add($"http://127.0.0.1:{port}/");
        server.Start();
        var serving = Task.Run(async () =>
        {
            while (server.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await server.GetContextAsync();
                }
                catch (HttpListenerException)
                {
                    return;
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
                if (files.TryGetValue(context.Request.Url!.AbsolutePath, out var body))
                {
                    await context.Response.OutputStream.WriteAsync(body);
                }
                else
                {
                    context.Response.StatusCode = 404;
                }
                context.Response.Close();
            }
        });

        using var http = new HttpClient();
        var exit = await GazetteerDownload.RunAsync(Arguments.Parse(
            ["--countries", "SY", "--to", _target.FullName, "--base-url", $"http://127.0.0.1:{port}/"], new HashSet<string>()), http, CancellationToken.None);
        server.Stop();
        await serving;

        exit.ShouldBe(0);
        File.ReadAllText(Path.Combine(_target.FullName, "SY.txt")).ShouldStartWith("172413\tAş Şuwar");
        File.Exists(Path.Combine(_target.FullName, "SY.zip")).ShouldBeFalse();
        File.Exists(Path.Combine(_target.FullName, "admin1CodesASCII.txt")).ShouldBeTrue();
        var loaded = Platform.Geocoding.Engine.Gazetteer.Load(new Platform.Geocoding.Engine.GazetteerOptions { Directory = _target.FullName, Countries = ["SY"] });
        loaded.Get(172413).ShouldNotBeNull().Name.ShouldBe("Aş Şuwar");
        loaded.Report.MalformedRows.ShouldBe(0);
    }

    [Fact]
    public async Task A_corrupt_zip_is_a_clear_error_and_leaves_nothing_behind()
    {
        var port = FreePort();
        using var server = new HttpListener();
        server.Prefixes.Add($"http://127.0.0.1:{port}/");
        server.Start();
        var serving = Task.Run(async () =>
        {
            var context = await server.GetContextAsync();
            await context.Response.OutputStream.WriteAsync("this is not a zip file"u8.ToArray());
            context.Response.Close();
        });
        using var http = new HttpClient();

        var error = await Should.ThrowAsync<UsageException>(GazetteerDownload.RunAsync(Arguments.Parse(
            ["--countries", "SY", "--to", _target.FullName, "--base-url", $"http://127.0.0.1:{port}/"], new HashSet<string>()), http, CancellationToken.None));
        await serving;
        server.Stop();

        error.Message.ShouldContain("not a valid zip");
        _target.GetFiles().ShouldBeEmpty();
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("Syria")]
    public async Task Only_country_codes_or_allCountries_are_accepted(string country)
    {
        using var http = new HttpClient();

        var error = await Should.ThrowAsync<UsageException>(GazetteerDownload.RunAsync(Arguments.Parse(
            ["--countries", country, "--to", _target.FullName], new HashSet<string>()), http, CancellationToken.None));

        error.Message.ShouldContain("not a country");
    }

    [Fact]
    public async Task Offline_fails_with_a_clear_message_and_leaves_no_partial_file()
    {
        using var http = new HttpClient();

        var error = await Should.ThrowAsync<UsageException>(GazetteerDownload.RunAsync(Arguments.Parse(
            ["--countries", "SY", "--to", _target.FullName, "--base-url", $"http://127.0.0.1:{FreePort()}/"], new HashSet<string>()), http, CancellationToken.None));

        error.Message.ShouldContain("offline");
        _target.GetFiles().ShouldBeEmpty();
    }
}
