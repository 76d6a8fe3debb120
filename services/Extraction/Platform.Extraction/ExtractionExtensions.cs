using MassTransit;
using Microsoft.Extensions.Options;
using Platform.Extraction.Articles;
using Platform.Extraction.Engine;
using Platform.ServiceDefaults;

namespace Platform.Extraction;

public static class ExtractionExtensions
{
    public const string ServiceName = "extraction";

    public static IHostApplicationBuilder AddExtraction(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ExtractionOptions>().BindConfiguration(ExtractionOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ExtractionOptions>, ExtractionOptionsValidator>();
        builder.Services.AddSingleton(provider => CreateExtractor(provider.GetRequiredService<IOptions<ExtractionOptions>>().Value));
        builder.Services.AddSingleton<Articles.ExtractionMetrics>();
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
    public static IncidentExtractor CreateExtractor(IConfiguration configuration) =>
        CreateExtractor(configuration.GetSection(ExtractionOptions.Section).Get<ExtractionOptions>() ?? new ExtractionOptions());

    public static IncidentExtractor CreateExtractor(ExtractionOptions options)
    {
        if (VersionProblem(options) is { } problem)
        {
            throw new InvalidOperationException(problem);
        }
        return string.IsNullOrWhiteSpace(options.LexiconDirectory)
            ? new IncidentExtractor()
            : new IncidentExtractor(Lexicon.Load(options.LexiconDirectory), options.Version!);
    }

    /// <summary>Why the version does not fit the lexicons, or null.</summary>
    internal static string? VersionProblem(ExtractionOptions options)
    {
        var version = options.Version;
        if (string.IsNullOrWhiteSpace(options.LexiconDirectory))
        {
            return version is { Length: > 0 } && version != IncidentExtractor.Version
                ? $"Extraction:Version '{version}' needs Extraction:LexiconDirectory: the built-in lexicons are {IncidentExtractor.Version}."
                : null;
        }
        return string.IsNullOrWhiteSpace(version) || Platform.Contracts.ExtractorVersions.Parse(version) is null
            || Platform.Contracts.ExtractorVersions.Compare(version, IncidentExtractor.Version) <= 0
            ? "Extraction:LexiconDirectory is set, so Extraction:Version must name the changed lexicon with a version newer than the built-in " +
              $"{IncidentExtractor.Version}, ending in a numeric version (for example extraction-0.7.2): the ledger ignores output of an older or the same version."
            : null;
    }
}

/// <summary>The Extraction service's settings (<c>Extraction</c> in configuration), validated at start.</summary>
public sealed class ExtractionOptions
{
    public const string Section = "Extraction";

    /// <summary>A folder with any of actors.tsv, triggers.tsv and cues.tsv that replace the built-in files.</summary>
    public string? LexiconDirectory { get; set; }

    /// <summary>The version a changed lexicon's output carries (newer than the built-in one).</summary>
    public string? Version { get; set; }
}

internal sealed class ExtractionOptionsValidator : IValidateOptions<ExtractionOptions>
{
    public ValidateOptionsResult Validate(string? name, ExtractionOptions options) =>
        ExtractionExtensions.VersionProblem(options) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
