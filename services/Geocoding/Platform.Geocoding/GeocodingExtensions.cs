using MassTransit;
using Microsoft.Extensions.Options;
using Platform.Geocoding.Engine;
using Platform.Geocoding.Incidents;
using Platform.ServiceDefaults;

namespace Platform.Geocoding;

public static class GeocodingExtensions
{
    public const string ServiceName = "geocoding";

    public static IHostApplicationBuilder AddGeocoding(this IHostApplicationBuilder builder)
    {
        // Countries is one comma-separated value ("SY,IQ"): a list in configuration cannot be shortened by an
        // environment variable, because indexed entries merge with the file's instead of replacing them.
        builder.Services.AddOptions<GazetteerOptions>()
            .Configure<IConfiguration, IHostEnvironment>((options, configuration, environment) =>
            {
                var section = configuration.GetSection(GazetteerOptions.Section);
                // A relative folder is relative to the service's content root, not to wherever it was started from.
                options.Directory = section["Directory"] is { Length: > 0 } directory ? Path.GetFullPath(directory, environment.ContentRootPath) : "";
                options.Countries = (section["Countries"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                options.DefaultFocus = (section["DefaultFocus"] ?? "").Trim().ToUpperInvariant();
            })
            .Validate(options => options.Directory.Length > 0 && Directory.Exists(options.Directory),
                $"{GazetteerOptions.Section}:Directory must name the folder of GeoNames files (environment variable {GazetteerOptions.Section}__Directory)")
            .Validate(options => options.DefaultFocus.Length is 0 or 2, $"{GazetteerOptions.Section}:DefaultFocus must be a two-letter country code or empty")
            .ValidateOnStart();
        // Loaded once at start-up: a service that cannot read its gazetteer must not take messages.
        builder.Services.AddSingleton(provider =>
        {
            var gazetteer = Gazetteer.Load(provider.GetRequiredService<IOptions<GazetteerOptions>>().Value);
            provider.GetRequiredService<ILogger<Gazetteer>>().LogInformation(
                "Gazetteer loaded: {Places} places, {Names} names, {Malformed} malformed rows from {Files}",
                gazetteer.Report.Places, gazetteer.Report.Names, gazetteer.Report.MalformedRows, gazetteer.Report.Files);
            return gazetteer;
        });
        builder.Services.AddSingleton(provider =>
        {
            var focus = provider.GetRequiredService<IOptions<GazetteerOptions>>().Value.DefaultFocus;
            return new Geocoder(provider.GetRequiredService<Gazetteer>(), focus.Length > 0 ? focus : null);
        });
        builder.Services.AddSingleton<Incidents.GeocodingMetrics>();
        builder.AddPlatformMessaging(ServiceName, bus =>
            bus.AddConsumer<IncidentsExtractedConsumer, IncidentsExtractedConsumerDefinition>());
        return builder;
    }

    /// <summary>Loads the gazetteer before the bus starts taking messages.</summary>
    public static WebApplication UseGeocoding(this WebApplication app)
    {
        app.Services.GetRequiredService<Gazetteer>();
        return app;
    }
}
