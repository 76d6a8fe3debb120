using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Platform.ServiceDefaults;

/// <summary>
/// Per-caller request rates (<c>RateLimits</c>): each caller (the token's subject, else its address) has a token
/// bucket per policy. A bulk stream is one request, so these bound how fast calls arrive, not articles.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Submission requests (unary calls, streams opened, POST /articles) a caller may make per second, sustained.</summary>
    [Range(1, 1_000_000)]
    public int SubmitPerSecond { get; set; } = 500;

    /// <summary>How many submission requests a caller may make at once above the sustained rate.</summary>
    [Range(1, 1_000_000)]
    public int SubmitBurst { get; set; } = 1_000;
}

public static class RateLimitExtensions
{
    /// <summary>The policy name: put it on what submits (<c>[EnableRateLimiting(Submission)]</c>, <c>RequireRateLimiting</c>).</summary>
    public const string Submission = "submission";

    /// <summary>
    /// Registers the <see cref="Submission"/> policy. A refused request answers HTTP 429 or gRPC RESOURCE_EXHAUSTED,
    /// both with the seconds to wait (Retry-After; "retry-after" in the gRPC headers and in the message).
    /// </summary>
    public static IHostApplicationBuilder AddSubmissionRateLimit(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddSingleton<SubmissionRateLimitRegistered>();
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((limiter, settings) =>
        {
            var limits = settings.Value;
            limiter.AddPolicy(Submission, context => RateLimitPartition.GetTokenBucketLimiter(Caller(context), _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = limits.SubmitBurst,
                TokensPerPeriod = limits.SubmitPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
            limiter.OnRejected = (rejected, cancellationToken) => RefuseAsync(rejected.HttpContext, rejected.Lease, limits, cancellationToken);
        });
        return builder;
    }

    /// <summary>Who is calling: the token's subject, else the remote address.</summary>
    private static string Caller(HttpContext context) =>
        context.User.FindFirst("sub")?.Value is { Length: > 0 } subject
            ? "sub:" + subject
            : "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");

    private static async ValueTask RefuseAsync(HttpContext context, RateLimitLease lease, RateLimitOptions limits, CancellationToken cancellationToken)
    {
        var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        var message = $"Rate limit: {limits.SubmitPerSecond} submission requests per second per caller (bursts of {limits.SubmitBurst}); retry after {seconds} s.";
        context.Response.Headers.RetryAfter = seconds;
        if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true)
        {
            // A gRPC "trailers-only" answer: clients see RESOURCE_EXHAUSTED, not the UNAVAILABLE an HTTP 429 maps to.
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-status"] = "8";
            context.Response.Headers["grpc-message"] = Uri.EscapeDataString(message);
            context.Response.Headers["retry-after"] = seconds;
            return;
        }
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        await context.Response.WriteAsJsonAsync(new
        {
            type = "https://tools.ietf.org/html/rfc6585#section-4",
            title = "Too many requests.",
            status = StatusCodes.Status429TooManyRequests,
            detail = message,
        }, cancellationToken);
    }
}

/// <summary>Tells <see cref="ServiceDefaultsExtensions.MapDefaultEndpoints"/> to put the rate limiter in the pipeline.</summary>
public sealed class SubmissionRateLimitRegistered;
