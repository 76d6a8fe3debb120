using System.Net.Sockets;
using Npgsql;
using Platform.ServiceDefaults;

namespace Platform.Ingestion.Tests;

/// <summary>What clients are told to retry: outages of PostgreSQL, never errors about the data.</summary>
public class DependencyFailureTests
{
    [Fact]
    public void A_connection_that_fails_or_times_out_is_an_outage_even_when_wrapped()
    {
        DependencyFailures.IsUnavailable(new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused))).ShouldBeTrue();
        DependencyFailures.IsUnavailable(new InvalidOperationException("session", new NpgsqlException("read", new TimeoutException()))).ShouldBeTrue();
        DependencyFailures.IsUnavailable(new PostgresException("the database system is shutting down", "FATAL", "FATAL", "57P01")).ShouldBeTrue();
    }

    [Fact]
    public void A_PostgreSQL_error_about_the_data_is_not_an_outage()
    {
        // 22P05: a NUL character in text. Retrying the same request can never succeed.
        DependencyFailures.IsUnavailable(new PostgresException("unsupported Unicode escape sequence", "ERROR", "ERROR", "22P05")).ShouldBeFalse();
        DependencyFailures.IsUnavailable(new PostgresException("duplicate key", "ERROR", "ERROR", "23505")).ShouldBeFalse();
        DependencyFailures.IsUnavailable(new ArgumentException("bug")).ShouldBeFalse();
    }
}
