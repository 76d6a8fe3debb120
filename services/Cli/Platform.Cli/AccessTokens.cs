using System.Security.Claims;
using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Platform.Cli;

/// <summary>
/// Signed JWT access tokens for the local setup, where the services check tokens against a shared key
/// (<c>Auth:Jwt:SigningKey</c>): what <c>platform token</c> prints and the tests send. A real deployment gets its
/// tokens from its identity provider instead. (Also compiled into the tests' shared fixtures.)
/// </summary>
public static class AccessTokens
{
    public const string DefaultIssuer = "platform";
    public const string DefaultAudience = "platform-api";

    public static string Create(string signingKey, IEnumerable<string> scopes, TimeSpan lifetime, string subject = "local",
        string issuer = DefaultIssuer, string audience = DefaultAudience, DateTime? now = null)
    {
        var issuedAt = now ?? DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", subject), new Claim("scope", string.Join(' ', scopes))]),
            IssuedAt = issuedAt,
            NotBefore = issuedAt,
            Expires = issuedAt + lifetime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey)), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>A channel whose calls carry "authorization: Bearer TOKEN" (none without a token: the service then answers UNAUTHENTICATED).</summary>
    public static GrpcChannel Channel(Uri address, string? token)
    {
        if (token is null)
        {
            return GrpcChannel.ForAddress(address);
        }
        var bearer = CallCredentials.FromInterceptor((_, metadata) =>
        {
            metadata.Add("authorization", "Bearer " + token);
            return Task.CompletedTask;
        });
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Create(address.Scheme == "https" ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure, bearer),
            // The local setup speaks plaintext HTTP/2 on 127.0.0.1; a deployment puts TLS in front.
            UnsafeUseInsecureChannelCallCredentials = address.Scheme == "http",
        });
    }
}
