using JasperFx.Events.Daemon;
using Marten;
using Microsoft.Extensions.Options;
using Platform.Ingestion.Articles;
using Platform.ServiceDefaults;

namespace Platform.Ingestion;

public static class IngestionExtensions
{
    public const string ServiceName = "ingestion";

    public static IHostApplicationBuilder AddIngestion(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<IngestionOptions>().BindConfiguration(IngestionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SubmitArticleHandler>();
        builder.Services.AddSingleton<IngestionMetrics>();
        builder.Services.AddHostedService<OutboxLagMonitor>();
        builder.Services.AddSingleton<ReprocessArticlesHandler>();

        builder.AddPlatformMarten(ServiceName, options =>
                // Stored event names are part of the persisted schema: fixed here, independent of CLR type names.
            {
                options.Events.MapEventType<ArticleIngested>("article_ingested");
                options.Events.MapEventType<ArticleReprocessRequested>("article_reprocess_requested");
                options.Projections.Snapshot<ArticleSummary>(JasperFx.Events.Projections.SnapshotLifecycle.Inline);
                // The outbox publisher looks for new events this often: the main part of the time from submission
                // to a watcher seeing the incident (Marten's defaults are 250 ms busy and 1 s idle).
                options.Projections.FastPollingTime = TimeSpan.FromMilliseconds(50);
                options.Projections.SlowPollingTime = TimeSpan.FromMilliseconds(100);
                // A standby instance tries for the outbox's leadership (an advisory lock) this often: with Marten's
                // default of 5 s a killed leader's articles waited about 7 s for the other instance to take over.
                options.Projections.LeadershipPollingTime = 1_000;
            })
            // HotCold: with several Ingestion instances exactly one runs the outbox publisher at a time.
            .AddAsyncDaemon(DaemonMode.HotCold)
            .AddSubscriptionWithServices<ArticlePublisher>(ServiceLifetime.Singleton, subscription =>
            {
                // A page is published at once with pipelined confirms: larger pages, fewer round trips.
                subscription.Options.BatchSize = 500;
            });

        builder.AddPlatformMessaging(ServiceName, _ => { });
        builder.AddApiSecurity();
        builder.AddSubmissionRateLimit();

        // JSON escaping can triple the size of Arabic text; the handler enforces the real limit with a clear message.
        builder.Services.AddOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>()
            .Configure<IOptions<IngestionOptions>>((kestrel, ingestion) =>
                kestrel.Limits.MaxRequestBodySize = (long)ingestion.Value.MaxArticleBytes * 6 + 64 * 1024);
        builder.Services.AddOptions<Grpc.AspNetCore.Server.GrpcServiceOptions>()
            .Configure<IOptions<IngestionOptions>>((grpc, ingestion) =>
                grpc.MaxReceiveMessageSize = ingestion.Value.MaxArticleBytes * 2 + 64 * 1024);
        return builder;
    }

    public static WebApplication MapIngestion(this WebApplication app)
    {
        app.MapGrpcService<ArticleIngestionService>();
        app.MapArticleEndpoints();
        return app;
    }
}
