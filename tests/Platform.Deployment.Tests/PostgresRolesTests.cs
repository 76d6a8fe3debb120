using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Platform.Deployment.Tests.Infrastructure;
using Platform.Ingestion;
using Platform.Ingestion.Articles;
using Platform.Query;
using Platform.Testing;

namespace Platform.Deployment.Tests;

/// <summary>
/// The PostgreSQL init script run for real against the local server (deploy/local/infra.sh) in a database of its own,
/// then the Ingestion and Query services started as the roles it creates. Roles belong to the whole server, so they get
/// names of their own; the database and the roles are dropped afterwards.
/// </summary>
public sealed class PostgresRolesTests(PostgresRolesTests.ThrowawayDatabase database) : IClassFixture<PostgresRolesTests.ThrowawayDatabase>
{
    [Fact]
    public void The_script_grants_no_superuser_or_other_cluster_wide_right()
    {
        var sql = PostgresInitScript.SqlOf(File.ReadAllText(Repository.PathOf(PostgresInitScript.RelativePath)));

        sql.ShouldContain("create role", Case.Insensitive);
        Regex.Matches(sql, @"(?<!\bno)\b(superuser|createdb|createrole|replication|bypassrls)\b", RegexOptions.IgnoreCase).ShouldBeEmpty();
        Regex.Matches(sql, @"\bgrant\b[^;]*\bto\b", RegexOptions.IgnoreCase).Select(grant => grant.Value)
            .ShouldAllBe(grant => Regex.IsMatch(grant, @"^grant\s+connect\s+on\s+database\b", RegexOptions.IgnoreCase));
    }

    [Fact]
    public async Task The_service_roles_log_in_but_hold_no_superuser_or_cluster_wide_right()
    {
        await using var connection = await database.OpenAsSuperuserAsync();
        await using var command = WithParameter(
            "select rolname, rolcanlogin, rolsuper or rolcreatedb or rolcreaterole or rolreplication or rolbypassrls from pg_roles where rolname = any($1)",
            connection, database.Roles.Values.ToArray());
        var found = new Dictionary<string, (bool Login, bool Privileged)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                found[reader.GetString(0)] = (reader.GetBoolean(1), reader.GetBoolean(2));
            }
        }

        found.Keys.ShouldBe(database.Roles.Values, ignoreOrder: true);
        found.Values.ShouldAllBe(role => role.Login && !role.Privileged);
    }

    [Fact]
    public async Task A_role_cannot_create_schemas_use_public_or_read_the_other_service()
    {
        await using var ingestion = await database.OpenAsAsync("ingestion");

        (await FailureOf(ingestion, "create schema somewhere_else")).ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
        (await FailureOf(ingestion, "create table public.t (x int)")).ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
        (await FailureOf(ingestion, "select * from query.anything")).ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
        (await FailureOf(ingestion, "create table t (x int); drop table t")).ShouldBeNull();
    }

    [Fact]
    public async Task Only_the_service_roles_may_connect_to_the_database()
    {
        await using var connection = await database.OpenAsSuperuserAsync();
        await using var command = WithParameter(
            "select coalesce(array_agg(grantee::regrole::text), '{}') from pg_database, aclexplode(datacl) where datname = $1 and privilege_type = 'CONNECT'",
            connection, database.Name);

        var grantees = (string[])(await command.ExecuteScalarAsync())!;

        // The owner (the superuser that created it) keeps its rights; PUBLIC (regrole "-") has none.
        grantees.ShouldNotContain("-");
        database.Roles.Values.ShouldAllBe(role => grantees.Contains(role));
    }

    [Fact]
    public async Task Ingestion_starts_as_its_role_creates_its_tables_and_stores_an_article_and_logs_no_password()
    {
        var logs = new CapturingLoggerProvider();
        using var host = await StartAsync("ingestion", logs, builder => builder.AddIngestion());

        var accepted = await host.Services.GetRequiredService<SubmitArticleHandler>().HandleAsync(
            new SubmitArticle("Clashes erupted near the village of Jarjanaz on Saturday.", null, "Jarjanaz", null, "Example News", null, "2019-06-15"),
            CancellationToken.None);

        accepted.Duplicate.ShouldBeFalse();
        (await database.TablesOwnedBy("ingestion")).ShouldContain("mt_events");
        database.AssertNoSecretIn(logs.Lines);
        await host.StopAsync();
    }

    [Fact]
    public async Task Query_starts_as_its_role_creates_its_tables_indexes_and_trigger_and_logs_no_password()
    {
        var logs = new CapturingLoggerProvider();
        using var host = await StartAsync("query", logs, builder => builder.AddQuery());

        var tables = await database.TablesOwnedBy("query");

        tables.ShouldContain("mt_events");
        tables.ShouldContain("mt_doc_incidentdetails");
        tables.ShouldContain("incident_daily_count_changes");
        database.AssertNoSecretIn(logs.Lines);
        await host.StopAsync();
    }

    private async Task<IHost> StartAsync(string service, CapturingLoggerProvider logs, Action<HostApplicationBuilder> add)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = database.ConnectionStringFor(service),
            ["ConnectionStrings:RabbitMq"] = database.Broker.RabbitMq.ToString(),
            ["Marten:Schema"] = service,
            ["Auth:Jwt:SigningKey"] = Platform.Testing.TestSecurity.SigningKey,
        });
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Debug).AddProvider(logs);
        add(builder);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static NpgsqlCommand WithParameter(string sql, NpgsqlConnection connection, object value) =>
        new(sql, connection) { Parameters = { new() { Value = value } } };

    private static async Task<string?> FailureOf(NpgsqlConnection connection, string sql)
    {
        try
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
            return null;
        }
        catch (PostgresException exception)
        {
            return exception.SqlState;
        }
    }

    /// <summary>A database made for this class, set up by the init script; dropped with its roles at the end.</summary>
    public sealed class ThrowawayDatabase : IAsyncLifetime
    {
        private readonly string _run = Guid.NewGuid().ToString("N")[..10];
        private readonly NpgsqlConnectionStringBuilder _superuser = new(global::Platform.Testing.Infrastructure.Postgres) { Pooling = false };
        private readonly Dictionary<string, string> _passwords = new(StringComparer.Ordinal);

        public string Name => $"compose_{_run}";

        /// <summary>Service → its role.</summary>
        public IReadOnlyDictionary<string, string> Roles => new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ingestion"] = $"compose_{_run}_ingestion",
            ["query"] = $"compose_{_run}_query",
        };

        /// <summary>A RabbitMQ virtual host for the services started here (the local broker's own user).</summary>
        public IsolatedInfrastructure Broker { get; } = new();

        public async Task InitializeAsync()
        {
            await Broker.InitializeAsync();
            await using (var connection = await OpenAsSuperuserAsync())
            {
                await using var create = new NpgsqlCommand($"create database \"{Name}\"", connection);
                await create.ExecuteNonQueryAsync();
            }

            var settings = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (service, role) in Roles)
            {
                // Quotes and a semicolon too: the script must pass a password through to PostgreSQL untouched.
                _passwords[service] = $"{Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16))}'\";x";
                settings[$"POSTGRES_{service.ToUpperInvariant()}_USER"] = role;
                settings[$"POSTGRES_{service.ToUpperInvariant()}_PASSWORD"] = _passwords[service];
            }

            var result = await PostgresInitScript.RunAsync(_superuser, Name, settings);
            result.ExitCode.ShouldBe(0, result.ToString());
            foreach (var password in _passwords.Values)
            {
                (result.Output + result.Error).ShouldNotContain(password);
            }
        }

        public async Task DisposeAsync()
        {
            NpgsqlConnection.ClearAllPools();
            await using (var connection = await OpenAsSuperuserAsync())
            {
                await using var drop = new NpgsqlCommand($"drop database if exists \"{Name}\" with (force)", connection);
                await drop.ExecuteNonQueryAsync();
                foreach (var role in Roles.Values)
                {
                    await using var dropRole = new NpgsqlCommand($"drop role if exists \"{role}\"", connection);
                    await dropRole.ExecuteNonQueryAsync();
                }
            }

            await Broker.DisposeAsync();
        }

        public string ConnectionStringFor(string service) => new NpgsqlConnectionStringBuilder
        {
            Host = _superuser.Host,
            Port = _superuser.Port,
            Database = Name,
            Username = Roles[service],
            Password = _passwords[service],
        }.ConnectionString;

        public async Task<NpgsqlConnection> OpenAsSuperuserAsync(string? databaseName = null)
        {
            var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_superuser.ConnectionString) { Database = databaseName ?? _superuser.Database }.ConnectionString);
            await connection.OpenAsync();
            return connection;
        }

        public async Task<NpgsqlConnection> OpenAsAsync(string service)
        {
            var connection = new NpgsqlConnection(ConnectionStringFor(service));
            await connection.OpenAsync();
            return connection;
        }

        /// <summary>The tables of the service's schema, each of which must belong to the service's role.</summary>
        public async Task<IReadOnlyList<string>> TablesOwnedBy(string service)
        {
            await using var connection = await OpenAsSuperuserAsync(Name);
            await using var command = WithParameter("select tablename, tableowner from pg_tables where schemaname = $1", connection, service);
            var tables = new List<string>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                reader.GetString(1).ShouldBe(Roles[service], reader.GetString(0));
                tables.Add(reader.GetString(0));
            }

            return tables;
        }

        /// <summary>No log line holds a database password or the broker's.</summary>
        public void AssertNoSecretIn(IReadOnlyCollection<string> lines)
        {
            lines.ShouldNotBeEmpty();
            var secrets = _passwords.Values.Append(Uri.UnescapeDataString(Broker.RabbitMq.UserInfo).Split(':', 2)[1]).ToList();
            lines.Where(line => secrets.Exists(secret => line.Contains(secret, StringComparison.Ordinal))).ShouldBeEmpty();
        }
    }
}
