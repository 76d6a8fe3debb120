using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Platform.ServiceDefaults;

/// <summary>
/// Answers UNAVAILABLE (retry later) instead of UNKNOWN when a call fails because PostgreSQL cannot be reached or
/// timed out: clients and their retry policies can tell an outage from a bug.
/// </summary>
public sealed class UnavailableDependencyInterceptor(ILogger<UnavailableDependencyInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception e) when (IsUnavailable(e, context))
        {
            throw Unavailable(e, context);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception e) when (IsUnavailable(e, context))
        {
            throw Unavailable(e, context);
        }
    }

    private static bool IsUnavailable(Exception e, ServerCallContext context) =>
        e is NpgsqlException or TimeoutException
        || e is OperationCanceledException && !context.CancellationToken.IsCancellationRequested
        || e.InnerException is NpgsqlException or TimeoutException;

    private RpcException Unavailable(Exception e, ServerCallContext context)
    {
        logger.LogWarning(e, "{Method} failed: a dependency is unavailable", context.Method);
        return new RpcException(new Status(StatusCode.Unavailable, "The service's storage is unavailable; retry later."));
    }
}
