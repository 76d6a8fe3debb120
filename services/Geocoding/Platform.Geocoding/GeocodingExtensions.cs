using MassTransit;
using Platform.Geocoding.Engine;
using Platform.Geocoding.Incidents;
using Platform.ServiceDefaults;

namespace Platform.Geocoding;

public static class GeocodingExtensions
{
    public const string ServiceName = "geocoding";

    public static IHostApplicationBuilder AddGeocoding(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(GazetteerOptions.Section);
        // Countries is one comma-separated value ("SY,IQ"): a list in configuration cannot be shortened by an
        // environment variable, because indexed entries merge with the file's instead of replacing them.
        var options = new GazetteerOptions
        {
            Directory = section["Directory"] ?? "",
            Countries = (section["Countries"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            DefaultFocus = (section["DefaultFocus"] ?? "").Trim().ToUpperInvariant(),
        };
        // A relative folder is relative to the service's content root, not to wherever it was started from.
        if (options.Directory.Length > 0)
        {
            options.Directory = Path.GetFullPath(options.Directory, builder.Environment.ContentRootPath);
        }
        // Loaded once at start-up: a service that cannot read its gazetteer must not take messages.
        builder.Services.AddSingleton(provider =>
        {
            var gazetteer = Gazetteer.Load(options);
            provider.GetRequiredService<ILogger<Gazetteer>>().LogInformation(
                "Gazetteer loaded: {Places} places, {Names} names, {Malformed} malformed rows from {Files}",
                gazetteer.Report.Places, gazetteer.Report.Names, gazetteer.Report.MalformedRows, gazetteer.Report.Files);
            return gazetteer;
        });
        builder.Services.AddSingleton(provider =>
            new Geocoder(provider.GetRequiredService<Gazetteer>(), options.DefaultFocus.Length > 0 ? options.DefaultFocus : null));
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
