using System.Net.Sockets;
using Npgsql;
using Provenance.Ledger.Infrastructure.Database;

namespace Provenance.Api.Infrastructure.Database;

/// <summary>
/// Whether a failure means the ledger database can't be reached or won't take connections now
/// (#14): refused or broken connections, an exhausted pool, a server shutting down or starting up,
/// too many connections. Such a request is answered <c>503</c> with <c>Retry-After</c>, not <c>500</c>.
/// </summary>
internal static class DatabaseOutage
{
    /// <summary>Seconds a client is told to wait before retrying.</summary>
    public const int RetryAfterSeconds = 5;

    public static bool Is(Exception exception) => exception switch
    {
        PostgresException p => p.SqlState.StartsWith("57P", StringComparison.Ordinal) // admin shutdown, crash shutdown, cannot connect now
                               || p.SqlState.StartsWith("08", StringComparison.Ordinal) // connection exception
                               || p.SqlState == PostgresErrorCodes.TooManyConnections,
        NpgsqlException n => n.InnerException is SocketException or IOException or TimeoutException || n.IsTransient,
        _ => false,
    };
}
