using Microsoft.Extensions.Configuration;
using Platform.Extraction.Engine;

namespace Platform.Extraction.Tests;

/// <summary>A lexicon changed outside the engine (a data team's edit), loaded by the Extraction service's configuration.</summary>
public sealed class ChangedLexiconTests : IDisposable
{
    private const string Report = "Fighters of the Manbij Military Council clashed with ISIS fighters near the town of Manbij on Monday.";
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("platform-lexicon-");

    public void Dispose() => _directory.Delete(recursive: true);

    private void AddActorAlias(string actorId, string alias)
    {
        var rows = Lexicon.ReadRows("actors.tsv", 3).Select(row => string.Join('\t', row)).Append($"{actorId}\ten\t{alias}");
        File.WriteAllLines(Path.Combine(_directory.FullName, "actors.tsv"), rows);
    }

    private static IReadOnlyList<IncidentFound> Extract(IncidentExtractor extractor) =>
        extractor.Extract(new ExtractionInput(Report, "en", new DateOnly(2020, 4, 14)));

    [Fact]
    public void A_file_in_the_lexicon_directory_replaces_the_built_in_one_and_the_others_stay()
    {
        AddActorAlias("sdf", "Manbij Military Council");

        var before = Extract(new IncidentExtractor()).ShouldHaveSingleItem();
        var after = Extract(new IncidentExtractor(Lexicon.Load(_directory.FullName), "extraction-0.7.2")).ShouldHaveSingleItem();

        before.Actors.Select(a => a.ActorId).ShouldBe(["isis"]);
        after.Actors.Select(a => a.ActorId).ShouldBe(["isis", "sdf"], ignoreOrder: true);
        // Triggers and cues still come from the engine: the same event, place and date.
        (after.EventType, after.SubEventType, after.DateStart).ShouldBe((before.EventType, before.SubEventType, before.DateStart));
    }

    [Fact]
    public void The_service_stamps_a_changed_lexicon_with_its_own_version_and_refuses_one_without()
    {
        AddActorAlias("sdf", "Manbij Military Council");
        static IConfiguration Settings(string? directory, string? version) => new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Extraction:LexiconDirectory"] = directory, ["Extraction:Version"] = version })
            .Build();

        ExtractionExtensions.CreateExtractor(Settings(null, null)).OutputVersion.ShouldBe(IncidentExtractor.Version);
        ExtractionExtensions.CreateExtractor(Settings(_directory.FullName, "extraction-0.7.2")).OutputVersion.ShouldBe("extraction-0.7.2");
        Should.Throw<InvalidOperationException>(() => ExtractionExtensions.CreateExtractor(Settings(_directory.FullName, null)))
            .Message.ShouldContain("Extraction:Version");
        Should.Throw<InvalidOperationException>(() => ExtractionExtensions.CreateExtractor(Settings(_directory.FullName, IncidentExtractor.Version)));
        Should.Throw<InvalidOperationException>(() => ExtractionExtensions.CreateExtractor(Settings(_directory.FullName, "extraction-0.1.9")))
            .Message.ShouldContain("newer");
        Should.Throw<InvalidOperationException>(() => ExtractionExtensions.CreateExtractor(Settings(_directory.FullName, "my-lexicon")));
        Should.Throw<DirectoryNotFoundException>(() => ExtractionExtensions.CreateExtractor(Settings("/nonexistent/lexicons", "extraction-0.7.2")));
    }

    [Fact]
    public void A_malformed_changed_lexicon_names_the_file_and_line()
    {
        File.WriteAllText(Path.Combine(_directory.FullName, "cues.tsv"), "# kind\tlang\tphrase\nplace\ten\n");

        Should.Throw<InvalidDataException>(() => Lexicon.Load(_directory.FullName)).Message.ShouldContain("cues.tsv:2");
    }
}
