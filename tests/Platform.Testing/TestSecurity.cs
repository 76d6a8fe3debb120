using System.Security.Cryptography;
using Grpc.Net.Client;
using Platform.Cli;

namespace Platform.Testing;

/// <summary>
/// The signing key the services under test check tokens with (new for every test run, as infra.sh makes one per
/// machine) and tokens signed with it.
/// </summary>
public static class TestSecurity
{
    public static string SigningKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>The setting a service needs to check tokens: environment variable name and value.</summary>
    public static KeyValuePair<string, string> ServiceSetting { get; } = new("Auth__Jwt__SigningKey", SigningKey);

    public static string Token(params string[] scopes) => AccessTokens.Create(SigningKey, scopes, TimeSpan.FromHours(2), subject: "tests");

    /// <summary>A token for every scope: what most tests send.</summary>
    public static string AllScopes { get; } = Token("submit", "read", "admin");

    public static GrpcChannel Channel(Uri address, string? token = null) => AccessTokens.Channel(address, token ?? AllScopes);
}
