using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Platform.Deployment.Tests.Infrastructure;

internal sealed record RabbitMqUser(string Name, string PasswordHash, string HashingAlgorithm, IReadOnlyList<string> Tags);

internal sealed record RabbitMqPermission(string User, string VirtualHost, string Configure, string Write, string Read);

/// <summary>
/// The broker definitions docker-compose.yml writes from .env (configs: rabbitmq-definitions) and RabbitMQ imports at boot
/// (deploy/docker/rabbitmq/platform.conf).
/// </summary>
internal sealed class RabbitMqDefinitions
{
    public const string ConfigName = "rabbitmq-definitions";
    public const string VirtualHost = "platform";
    public const string HashingAlgorithm = "rabbit_password_hashing_sha256";

    private RabbitMqDefinitions(string json)
    {
        Json = json;
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        VirtualHosts = root.GetProperty("vhosts").EnumerateArray().Select(vhost => vhost.GetProperty("name").GetString()!).ToList();
        Users = root.GetProperty("users").EnumerateArray().Select(user => new RabbitMqUser(
            user.GetProperty("name").GetString()!,
            user.GetProperty("password_hash").GetString()!,
            user.GetProperty("hashing_algorithm").GetString()!,
            user.GetProperty("tags").EnumerateArray().Select(tag => tag.GetString()!).ToList())).ToList();
        Permissions = root.GetProperty("permissions").EnumerateArray().Select(permission => new RabbitMqPermission(
            permission.GetProperty("user").GetString()!,
            permission.GetProperty("vhost").GetString()!,
            permission.GetProperty("configure").GetString()!,
            permission.GetProperty("write").GetString()!,
            permission.GetProperty("read").GetString()!)).ToList();
    }

    /// <summary>The file's text as RabbitMQ reads it.</summary>
    public string Json { get; }

    public IReadOnlyList<string> VirtualHosts { get; }

    public IReadOnlyList<RabbitMqUser> Users { get; }

    public IReadOnlyList<RabbitMqPermission> Permissions { get; }

    /// <summary>The config's content, unexpanded.</summary>
    public static string Template =>
        DeploymentFiles.Compose.ConfigContent(ConfigName) ?? throw new InvalidDataException($"docker-compose.yml defines no config '{ConfigName}' with content.");

    /// <summary>The definitions compose writes with these .env values.</summary>
    public static RabbitMqDefinitions Render(IReadOnlyDictionary<string, string> environment) => new(ComposeFile.Interpolate(Template, environment));

    /// <summary>Whether a rabbit_password_hashing_sha256 hash, base64(salt || SHA-256(salt || password)), is of this password.</summary>
    public static bool IsHashOf(string passwordHash, string password)
    {
        var bytes = Convert.FromBase64String(passwordHash);
        if (bytes.Length != 4 + SHA256.HashSizeInBytes)
        {
            return false;
        }

        var salt = bytes.AsSpan(0, 4);
        var expected = SHA256.HashData([.. salt, .. Encoding.UTF8.GetBytes(password)]);
        return CryptographicOperations.FixedTimeEquals(expected, bytes.AsSpan(4));
    }
}
