using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Platform.ServiceDefaults;

/// <summary>
/// What an HTTP endpoint answers when its handler throws: 503 with a reason and Retry-After while a dependency is
/// unavailable (the request may be sent again as it is), otherwise 500 with problem details and the trace id to
/// quote, never an empty body. gRPC calls are answered by <see cref="UnavailableDependencyInterceptor"/>.
/// </summary>
public sealed class HttpFailureHandler(IProblemDetailsService problems, ILogger<HttpFailureHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var unavailable = DependencyFailures.IsUnavailable(exception);
        if (unavailable)
        {
            logger.LogWarning("{Method} {Path} failed: a dependency is unavailable ({Reason})",
                httpContext.Request.Method, httpContext.Request.Path, exception.GetBaseException().Message);
            httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            httpContext.Response.Headers.RetryAfter = DependencyFailures.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            logger.LogError(exception, "{Method} {Path} failed", httpContext.Request.Method, httpContext.Request.Path);
            httpContext.Response.StatusCode = StatusCodes.Status500InternalServerError;
        }
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = httpContext.Response.StatusCode,
                Title = unavailable
                    ? "The service's storage is unavailable; retry later."
                    : "The request failed inside the service.",
                Detail = unavailable
                    ? $"Nothing was stored. Send the same request again after {DependencyFailures.RetryAfterSeconds} s."
                    : "This is a fault of the service, not of the request; quote the trace id when reporting it.",
                Extensions = { ["traceId"] = System.Diagnostics.Activity.Current?.TraceId.ToString() ?? httpContext.TraceIdentifier },
            },
        });
    }
}
