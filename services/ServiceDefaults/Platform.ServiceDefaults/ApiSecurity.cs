using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Platform.ServiceDefaults;

/// <summary>
/// What a caller may do, as the values of a token's <c>scope</c> claim (space-separated, OAuth 2.0 style):
/// submit articles, read the ledger, or administer (reprocess articles, rebuild read models). A scope is also the
/// name of the authorization policy that requires it.
/// </summary>
public static class PlatformScopes
{
    public const string ClaimType = "scope";
    public const string Submit = "submit";
    public const string Read = "read";
    public const string Admin = "admin";

    public static IReadOnlyList<string> All { get; } = [Submit, Read, Admin];

    public static bool Has(ClaimsPrincipal user, string scope) =>
        user.FindAll(ClaimType).Any(claim => claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(scope, StringComparer.Ordinal));
}

/// <summary>
/// How tokens are checked (<c>Auth:Jwt</c>): issuer and audience always; the signature either with a shared key
/// (<c>SigningKey</c>, HMAC-SHA256, the local setup: deploy/local/infra.sh generates one) or with the keys an
/// OpenID Connect issuer publishes (<c>Authority</c>, for a real identity provider).
/// </summary>
public sealed class JwtSettings : IValidatableObject
{
    public const string Section = "Auth:Jwt";

    [Required]
    public string Issuer { get; set; } = "platform";

    [Required]
    public string Audience { get; set; } = "platform-api";

    /// <summary>At least 32 bytes of UTF-8 (256 bits, what HMAC-SHA256 needs).</summary>
    public string? SigningKey { get; set; }

    /// <summary>An OpenID Connect issuer whose published keys sign the tokens (https).</summary>
    public string? Authority { get; set; }

    /// <summary>Tolerated clock difference when checking expiry.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrEmpty(SigningKey) && string.IsNullOrEmpty(Authority))
        {
            yield return new ValidationResult(
                "Set Auth:Jwt:SigningKey (environment variable Auth__Jwt__SigningKey; `deploy/local/infra.sh env` prints one as " +
                "PLATFORM_JWT_SIGNING_KEY) or Auth:Jwt:Authority (an OpenID Connect issuer): every API call needs a token.");
        }
        if (!string.IsNullOrEmpty(SigningKey) && Encoding.UTF8.GetByteCount(SigningKey) < 32)
        {
            yield return new ValidationResult("Auth:Jwt:SigningKey must be at least 32 bytes long.");
        }
    }

    public SymmetricSecurityKey? SymmetricKey() => string.IsNullOrEmpty(SigningKey) ? null : new SymmetricSecurityKey(Encoding.UTF8.GetBytes(SigningKey));
}

public static class ApiSecurityExtensions
{
    /// <summary>
    /// JWT bearer authentication on every API endpoint (the fallback policy needs an authenticated caller) and one
    /// policy per scope. Health endpoints opt out (<see cref="ServiceDefaultsExtensions.MapDefaultEndpoints"/>).
    /// </summary>
    public static IHostApplicationBuilder AddApiSecurity(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<JwtSettings>().BindConfiguration(JwtSettings.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<JwtSettings>>((bearer, settings) =>
            {
                var jwt = settings.Value;
                // Claim names as the token has them ("scope", "sub"), not mapped to WS-* URIs.
                bearer.MapInboundClaims = false;
                if (!string.IsNullOrEmpty(jwt.Authority))
                {
                    bearer.Authority = jwt.Authority;
                }
                bearer.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = jwt.Issuer,
                    ValidAudience = jwt.Audience,
                    IssuerSigningKey = jwt.SymmetricKey(),
                    ValidateIssuerSigningKey = true,
                    RequireExpirationTime = true,
                    ClockSkew = jwt.ClockSkew,
                    NameClaimType = "sub",
                };
            });
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddScopePolicies();
        return builder;
    }

    private static AuthorizationBuilder AddScopePolicies(this AuthorizationBuilder authorization)
    {
        foreach (var scope in PlatformScopes.All)
        {
            authorization.AddPolicy(scope, policy => policy.RequireAuthenticatedUser().RequireAssertion(context => PlatformScopes.Has(context.User, scope)));
        }
        return authorization;
    }
}
