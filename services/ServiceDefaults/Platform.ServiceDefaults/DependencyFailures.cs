using System.Net.Sockets;
using Npgsql;

namespace Platform.ServiceDefaults;

/// <summary>Tells an outage of a dependency (retrying later helps) from an error in the request or the code (it never does).</summary>
public static class DependencyFailures
{
    /// <summary>Seconds a client is told to wait before it tries again during an outage (HTTP Retry-After).</summary>
    public const int RetryAfterSeconds = 5;

    /// <summary>
    /// True when <paramref name="exception"/> or one it wraps says PostgreSQL could not be reached, went away, or timed
    /// out (Npgsql's own transient classification: connection failures, shutdown, too many connections, serialisation
    /// failures). A PostgreSQL error about the data (a NUL in text, a constraint) is not an outage.
    /// </summary>
    public static bool IsUnavailable(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case NpgsqlException npgsql:
                    return npgsql.IsTransient;
                case TimeoutException or SocketException:
                    return true;
                case AggregateException aggregate when aggregate.InnerExceptions.Count > 1:
                    return aggregate.InnerExceptions.Any(IsUnavailable);
            }
        }
        return false;
    }
}
