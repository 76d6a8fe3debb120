using Grpc.Net.Client;

namespace Platform.Cli;

/// <summary>
/// Where the CLI finds the services, resolved in one place: the command's flag (<c>--ingestion</c>, <c>--query</c>),
/// else the environment (<c>PLATFORM_INGESTION_GRPC</c>, <c>PLATFORM_QUERY_GRPC</c>), else the local default ports.
/// Every call carries the access token of <c>--token</c>, else <c>PLATFORM_TOKEN</c>.
/// </summary>
public static class Endpoints
{
    public const string DefaultIngestion = "http://127.0.0.1:5102";
    public const string DefaultQuery = "http://127.0.0.1:5402";

    public static Uri Ingestion(Arguments arguments) => Resolve(arguments, "ingestion", "PLATFORM_INGESTION_GRPC", DefaultIngestion);

    public static Uri Query(Arguments arguments) => Resolve(arguments, "query", "PLATFORM_QUERY_GRPC", DefaultQuery);

    public static GrpcChannel IngestionChannel(Arguments arguments) => AccessTokens.Channel(Ingestion(arguments), Token(arguments));

    public static GrpcChannel QueryChannel(Arguments arguments) => AccessTokens.Channel(Query(arguments), Token(arguments));

    public static string? Token(Arguments arguments) =>
        arguments.Get("token") ?? (Environment.GetEnvironmentVariable("PLATFORM_TOKEN") is { Length: > 0 } set ? set : null);

    private static Uri Resolve(Arguments arguments, string flag, string variable, string fallback)
    {
        var value = arguments.Get(flag) ?? (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } set ? set : fallback);
        return Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new UsageException($"--{flag} (or {variable}) '{value}' is not an http:// or https:// address.");
    }
}
