using Npgsql;

namespace Provenance.Testing;

/// <summary>
/// Where the tests' PostgreSQL comes from. This is the one seam: today a server the test script
/// starts (its superuser connection string in <c>PROVENANCE_TEST_POSTGRES</c>, or the
/// <c>ConnectionStrings__Provenance</c> a developer points at); where Docker exists, a
/// Testcontainers-backed implementation of <see cref="IPostgresServer"/> can replace it here.
/// </summary>
public interface IPostgresServer
{
    /// <summary>A connection string of a role that may create databases and roles.</summary>
    string AdminConnectionString { get; }
}

/// <summary>The server every test class shares.</summary>
public static class PostgresServer
{
    private static readonly Lazy<IPostgresServer> LazyCurrent = new(FromEnvironment);

    /// <summary>The shared server.</summary>
    public static IPostgresServer Current => LazyCurrent.Value;

    private static IPostgresServer FromEnvironment()
    {
        var connectionString = Environment.GetEnvironmentVariable("PROVENANCE_TEST_POSTGRES")
            ?? Environment.GetEnvironmentVariable("ConnectionStrings__Provenance");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                "No PostgreSQL for the tests: run them through deploy/test.sh, which starts a throwaway server, " +
                "or set PROVENANCE_TEST_POSTGRES to a superuser connection string.");
        }

        return new ExternalPostgresServer(connectionString);
    }

    private sealed class ExternalPostgresServer(string connectionString) : IPostgresServer
    {
        public string AdminConnectionString { get; } = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Pooling = false,
        }.ConnectionString;
    }
}
