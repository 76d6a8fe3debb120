using System.Buffers.Binary;
using Google.Protobuf;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Platform.ServiceDefaults;

/// <summary>
/// Answers a unary gRPC call whose request is not valid protobuf with INVALID_ARGUMENT and one information line.
/// grpc-dotnet parses a unary request before any interceptor runs and answers such a call UNKNOWN with a stack trace
/// in the log; this middleware parses the request first with the method's own marshaller (streams are checked per
/// message by <see cref="UnavailableDependencyInterceptor"/>). A compressed or oversized request is left to gRPC.
/// </summary>
public sealed class UnaryRequestValidation(RequestDelegate next, ILogger<UnaryRequestValidation> logger)
{
    private const int FrameHeaderBytes = 5;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<IMethod, Delegate?> Deserializers = new();

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>() is not { Method.Type: MethodType.Unary } grpc
            || Deserializers.GetOrAdd(grpc.Method, Deserializer) is not { } deserialize)
        {
            await next(context);
            return;
        }
        // Read once into memory (Kestrel's request size limit bounds it) and handed on from there, so gRPC reads the same
        // bytes without a second copy or a temporary file.
        var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        body.Position = 0;
        context.Request.Body = body;
        context.Response.RegisterForDispose(body);
        var frame = body.GetBuffer().AsMemory(0, (int)body.Length);
        if (frame.Length >= FrameHeaderBytes && frame.Span[0] == 0
            && BinaryPrimitives.ReadUInt32BigEndian(frame.Span[1..]) == (uint)(frame.Length - FrameHeaderBytes))
        {
            try
            {
                deserialize.DynamicInvoke(new Payload(frame[FrameHeaderBytes..].ToArray()));
            }
            // Strings that are not UTF-8 surface as the decoder's exception.
            catch (Exception e) when (e.GetBaseException() is InvalidProtocolBufferException or System.Text.DecoderFallbackException)
            {
                var invalid = e.GetBaseException();
                logger.LogInformation("{Method}: the request is not valid protobuf ({Reason})", grpc.Method.FullName, invalid.Message);
                context.Response.StatusCode = StatusCodes.Status200OK;
                context.Response.ContentType = "application/grpc";
                context.Response.Headers["grpc-status"] = ((int)StatusCode.InvalidArgument).ToString(System.Globalization.CultureInfo.InvariantCulture);
                context.Response.Headers["grpc-message"] = Uri.EscapeDataString("The request is not valid protobuf: " + invalid.Message);
                return;
            }
            catch (Exception other)
            {
                // Not this check's business: gRPC parses the request again and answers as it would.
                logger.LogDebug(other, "{Method}: the request could not be checked in advance", grpc.Method.FullName);
            }
        }
        await next(context);
    }

    /// <summary>The method's request deserializer (<c>Method&lt;TRequest, TResponse&gt;.RequestMarshaller.ContextualDeserializer</c>).</summary>
    private static Delegate? Deserializer(IMethod method) =>
        method.GetType().GetProperty("RequestMarshaller")?.GetValue(method) is { } marshaller
            ? marshaller.GetType().GetProperty("ContextualDeserializer")?.GetValue(marshaller) as Delegate
            : null;

    /// <summary>A whole request message in memory, as the generated code's deserializer reads it.</summary>
    private sealed class Payload(byte[] bytes) : DeserializationContext
    {
        public override int PayloadLength => bytes.Length;

        public override byte[] PayloadAsNewBuffer() => (byte[])bytes.Clone();

        public override System.Buffers.ReadOnlySequence<byte> PayloadAsReadOnlySequence() => new(bytes);
    }
}
