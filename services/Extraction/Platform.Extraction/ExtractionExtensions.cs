using MassTransit;
using Platform.Extraction.Articles;
using Platform.Extraction.Engine;
using Platform.ServiceDefaults;

namespace Platform.Extraction;

public static class ExtractionExtensions
{
    public const string ServiceName = "extraction";

    public static IHostApplicationBuilder AddExtraction(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(_ => CreateExtractor(builder.Configuration));
        builder.AddPlatformMessaging(ServiceName, bus =>
            bus.AddConsumer<ArticleIngestedConsumer, ArticleIngestedConsumerDefinition>());
        return builder;
    }

    /// <summary>
    /// The built-in extractor, or one with a changed lexicon: <c>Extraction:LexiconDirectory</c> holds any of
    /// actors.tsv, triggers.tsv and cues.tsv (the others stay built-in) and <c>Extraction:Version</c> names the
    /// result. A changed lexicon must carry a version of its own: the ledger revises an article's incidents only
    /// for a newer version, and treats output of the same version as a redelivery.
    /// </summary>
    public static IncidentExtractor CreateExtractor(IConfiguration configuration)
    {
        var directory = configuration["Extraction:LexiconDirectory"];
        var version = configuration["Extraction:Version"];
        if (string.IsNullOrWhiteSpace(directory))
        {
            return version is { Length: > 0 } && version != IncidentExtractor.Version
                ? throw new InvalidOperationException($"Extraction:Version '{version}' needs Extraction:LexiconDirectory: the built-in lexicons are {IncidentExtractor.Version}.")
                : new IncidentExtractor();
        }
        if (string.IsNullOrWhiteSpace(version) || Platform.Contracts.ExtractorVersions.Parse(version) is null
            || Platform.Contracts.ExtractorVersions.Compare(version, IncidentExtractor.Version) <= 0)
        {
            throw new InvalidOperationException(
                $"Extraction:LexiconDirectory is set, so Extraction:Version must name the changed lexicon with a version newer than the built-in " +
                $"{IncidentExtractor.Version}, ending in a numeric version (for example extraction-0.7.1): the ledger ignores output of an older or the same version.");
        }
        return new IncidentExtractor(Lexicon.Load(directory), version);
    }
}
