using System.Net.Http.Headers;
using System.Text;
using Npgsql;
using Xunit;

namespace Platform.Testing;

/// <summary>
/// Connection settings of the PostgreSQL and RabbitMQ that deploy/local/infra.sh starts, from the environment
/// variables that script prints (its passwords are random): eval "$(deploy/local/infra.sh env)".
/// </summary>
public static class Infrastructure
{
    public static string Postgres { get; } = Required("PLATFORM_POSTGRES");

    public static Uri RabbitMq { get; } = new(Required("PLATFORM_RABBITMQ"));

    public static Uri RabbitMqManagement { get; } = new(Environment.GetEnvironmentVariable("PLATFORM_RABBITMQ_MANAGEMENT") is { Length: > 0 } http
        ? http
        : "http://127.0.0.1:55673/");

    /// <summary>RabbitMQ's rabbitmq_prometheus plugin (PLATFORM_RABBITMQ_PROMETHEUS, as infra.sh env prints it).</summary>
    public static Uri RabbitMqPrometheus { get; } = new(Environment.GetEnvironmentVariable("PLATFORM_RABBITMQ_PROMETHEUS") is { Length: > 0 } metrics
        ? metrics
        : "http://127.0.0.1:55676/");

    private static string Required(string variable) => Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException(
            $"{variable} is not set. The tests use the PostgreSQL and RabbitMQ of deploy/local/infra.sh: run them with " +
            "deploy/local/platform.sh test, or first eval \"$(deploy/local/infra.sh env)\".");

    /// <summary>The amqp URI of a virtual host.</summary>
    public static Uri RabbitMqFor(string virtualHost) => InfrastructureEndpoints.Shared.RabbitMqFor(virtualHost);

    public static HttpClient ManagementClient() => InfrastructureEndpoints.Shared.ManagementClient();
}

/// <summary>Where a PostgreSQL and a RabbitMQ answer: the shared ones by default, or a private pair (the chaos test's).</summary>
public sealed record InfrastructureEndpoints(string Postgres, Uri RabbitMq, Uri RabbitMqManagement)
{
    public static InfrastructureEndpoints Shared { get; } = new(Infrastructure.Postgres, Infrastructure.RabbitMq, Infrastructure.RabbitMqManagement);

    /// <summary>The amqp URI of a virtual host.</summary>
    public Uri RabbitMqFor(string virtualHost) => new UriBuilder(RabbitMq) { Path = "/" + Uri.EscapeDataString(virtualHost) }.Uri;

    public HttpClient ManagementClient()
    {
        var userInfo = Uri.UnescapeDataString(RabbitMq.UserInfo);
        var client = new HttpClient { BaseAddress = RabbitMqManagement, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(userInfo)));
        return client;
    }
}

/// <summary>A PostgreSQL schema and a RabbitMQ virtual host of its own for one test class, removed afterwards.</summary>
public sealed class IsolatedInfrastructure(InfrastructureEndpoints? endpoints = null) : IAsyncLifetime
{
    public InfrastructureEndpoints Endpoints { get; } = endpoints ?? InfrastructureEndpoints.Shared;

    public string Name { get; } = "t" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Prefix for Marten schemas (each service adds its own suffix).</summary>
    public string Schema(string service) => $"{Name}_{service}";

    public string VirtualHost => Name;

    public Uri RabbitMq => Endpoints.RabbitMqFor(VirtualHost);

    public string Postgres => Endpoints.Postgres;

    private readonly List<string> _schemas = [];

    public string NewSchema(string service)
    {
        var schema = Schema(service);
        _schemas.Add(schema);
        return schema;
    }

    public async Task InitializeAsync()
    {
        using var client = Endpoints.ManagementClient();
        var response = await client.PutAsync($"api/vhosts/{Uri.EscapeDataString(VirtualHost)}", null);
        response.EnsureSuccessStatusCode();
        var user = Uri.UnescapeDataString(Endpoints.RabbitMq.UserInfo).Split(':')[0];
        var permissions = new StringContent("""{"configure":".*","write":".*","read":".*"}""", Encoding.UTF8, "application/json");
        (await client.PutAsync($"api/permissions/{Uri.EscapeDataString(VirtualHost)}/{Uri.EscapeDataString(user)}", permissions))
            .EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        using (var client = Endpoints.ManagementClient())
        {
            await client.DeleteAsync($"api/vhosts/{Uri.EscapeDataString(VirtualHost)}");
        }
        await using var connection = new NpgsqlConnection(Postgres);
        await connection.OpenAsync();
        // Marten also creates schema-less helpers; every schema of this class starts with its name.
        await using var list = new NpgsqlCommand(
            "select nspname from pg_namespace where nspname like @prefix", connection);
        list.Parameters.AddWithValue("prefix", Name + "%");
        var schemas = new List<string>();
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                schemas.Add(reader.GetString(0));
            }
        }
        foreach (var schema in schemas)
        {
            await using var drop = new NpgsqlCommand($"drop schema if exists \"{schema}\" cascade", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
