using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Platform.ServiceDefaults;

/// <summary>
/// Answers UNAVAILABLE (retry later) instead of UNKNOWN when a call fails because PostgreSQL cannot be reached or
/// timed out, on every kind of call: clients and their retry policies can tell an outage from a bug. A PostgreSQL
/// error about the data is not an outage and is not retried.
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

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context);
        }
        catch (Exception e) when (IsUnavailable(e, context))
        {
            throw Unavailable(e, context);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw Malformed(e, context);
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(requestStream, responseStream, context);
        }
        catch (Exception e) when (IsUnavailable(e, context))
        {
            throw Unavailable(e, context);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw Malformed(e, context);
        }
    }

    private static bool IsUnavailable(Exception e, ServerCallContext context) =>
        DependencyFailures.IsUnavailable(e)
        || e is OperationCanceledException && !context.CancellationToken.IsCancellationRequested;

    // A request message on a stream that does not parse: the client's error, reported in one line.
    private RpcException Malformed(InvalidProtocolBufferException e, ServerCallContext context)
    {
        logger.LogInformation("{Method}: a request message is not valid protobuf ({Reason})", context.Method, e.Message);
        return new RpcException(new Status(StatusCode.InvalidArgument, $"A request message is not valid protobuf: {e.Message}"));
    }

    private RpcException Unavailable(Exception e, ServerCallContext context)
    {
        logger.LogWarning(e, "{Method} failed: a dependency is unavailable", context.Method);
        return new RpcException(new Status(StatusCode.Unavailable, "The service's storage is unavailable; retry later."));
    }
}
