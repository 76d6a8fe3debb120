using Grpc.AspNetCore.HealthChecks;
using MassTransit.Logging;
using MassTransit.Monitoring;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Platform.ServiceDefaults;

/// <summary>What every Platform service sets up the same way: telemetry, health, gRPC plumbing.</summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>Tag of the health checks that must pass before a service takes traffic.</summary>
    public const string ReadyTag = "ready";

    /// <summary>The Marten activity source and meter name.</summary>
    public const string MartenTelemetryName = "Marten";

    /// <summary>Activities that Platform code starts itself (the event-store outbox, for example).</summary>
    public const string PlatformActivitySourceName = "Platform";

    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        builder.ConfigureOpenTelemetry();
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<HttpFailureHandler>();
        builder.Services.AddOptions<GrpcLimitOptions>().BindConfiguration(GrpcLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddGrpc(options =>
        {
            options.EnableDetailedErrors = builder.Environment.IsDevelopment();
            options.Interceptors.Add<UnavailableDependencyInterceptor>();
        });
        builder.Services.AddOptions<Grpc.AspNetCore.Server.GrpcServiceOptions>()
            .Configure<Microsoft.Extensions.Options.IOptions<GrpcLimitOptions>>((grpc, limits) => grpc.MaxReceiveMessageSize = limits.Value.MaxReceiveMessageBytes);
        builder.Services.AddGrpcReflection();
        builder.Services.AddGrpcHealthChecks(options =>
            // The gRPC health service reports the same readiness checks as /health/ready.
            options.Services.Map("", registration => !registration.Tags.Contains("live-only")));
        return builder;
    }

    private static void ConfigureOpenTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(
                serviceName: builder.Configuration["OTEL_SERVICE_NAME"] ?? builder.Environment.ApplicationName))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(InstrumentationOptions.MeterName)
                .AddMeter(MartenTelemetryName)
                .AddMeter(PlatformActivitySourceName)
                .AddMeter(ServiceMeter.Prefix + "*")
                .AddNpgsqlInstrumentation()
                // Served at /metrics on the management port, beside OTLP, for Prometheus to scrape.
                .AddPrometheusExporter())
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(PlatformActivitySourceName)
                .AddSource(DiagnosticHeaders.DefaultListenerName)
                .AddSource(MartenTelemetryName)
                .AddAspNetCoreInstrumentation(options =>
                    // Health probes would drown the traces that matter.
                    options.Filter = context => !context.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal)
                        && !context.Request.Path.StartsWithSegments("/grpc.health.v1.Health", StringComparison.Ordinal))
                // gRPC client calls are HTTP/2 calls underneath: the HttpClient instrumentation records them.
                .AddHttpClientInstrumentation()
                .AddNpgsql());

        // OTLP only when an endpoint is configured: a developer machine without a collector stays quiet.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }
    }

    /// <summary>
    /// The HTTP failure handler, /health/live (the process runs), /health/ready (every dependency answers; 503 with
    /// each check's state otherwise), the gRPC health service and gRPC reflection. The health endpoints need no
    /// credentials; when the <c>Management</c> Kestrel endpoint is configured they answer there and only there, and
    /// that port serves nothing else, so it can be open to probes and scrapers while the API ports are not.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UseExceptionHandler();
        if (ManagementPort(app.Configuration) is { } management)
        {
            app.Use(async (context, next) =>
            {
                var forManagement = context.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal)
                    || context.Request.Path.StartsWithSegments("/metrics", StringComparison.Ordinal);
                if (forManagement != (context.Connection.LocalPort == management))
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return;
                }
                await next(context);
            });
        }
        // After the port guard, so a stray path on the management port is a 404 and not a request for credentials.
        if (app.Services.GetService<Microsoft.AspNetCore.Authentication.IAuthenticationSchemeProvider>() is not null)
        {
            app.UseAuthentication();
            app.UseAuthorization();
        }
        // After authentication: callers are told apart by their token's subject.
        if (app.Services.GetService<SubmissionRateLimitRegistered>() is not null)
        {
            app.UseRateLimiter();
        }
        app.UseMiddleware<UnaryRequestValidation>();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = check => check.Tags.Contains("live") }).AllowAnonymous();
        // Ready means every dependency answers: a degraded check (the bus reconnecting to RabbitMQ) is not ready.
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
            ResponseWriter = HealthReportWriter.WriteAsync,
        }).AllowAnonymous();
        // The standard gRPC health protocol stays open on the gRPC port: orchestrators probe it without a token.
        app.MapGrpcHealthChecksService().AllowAnonymous();
        // Like health: no credentials, and only on the management port when there is one.
        app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous();
        app.MapGrpcReflectionService();
        return app;
    }

    /// <summary>The port of the <c>Kestrel:Endpoints:Management:Url</c> endpoint, when there is one.</summary>
    public static int? ManagementPort(IConfiguration configuration) =>
        configuration["Kestrel:Endpoints:Management:Url"] is { Length: > 0 } url
            ? BindingAddress.Parse(url).Port
            : null;
}

/// <summary>gRPC limits shared by every service (<c>Grpc</c> in configuration).</summary>
public sealed class GrpcLimitOptions
{
    public const string Section = "Grpc";

    /// <summary>The largest request message a service accepts, in bytes.</summary>
    [System.ComponentModel.DataAnnotations.Range(1024, int.MaxValue)]
    public int MaxReceiveMessageBytes { get; set; } = 8 * 1024 * 1024;
}
