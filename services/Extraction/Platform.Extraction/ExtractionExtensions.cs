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
        builder.Services.AddSingleton<IncidentExtractor>();
        builder.AddPlatformMessaging(ServiceName, bus =>
            bus.AddConsumer<ArticleIngestedConsumer, ArticleIngestedConsumerDefinition>());
        return builder;
    }
}
