using Npgsql;
using Testcontainers.PostgreSql;

namespace Provenance.Testing;

/// <summary>
/// Where the tests' PostgreSQL comes from. This is the one seam (#20): by default a server the test
/// script starts (its superuser connection string in <c>PROVENANCE_TEST_POSTGRES</c>, or the
/// <c>ConnectionStrings__Provenance</c> a developer points at); with
/// <c>PROVENANCE_TEST_DATABASE=container</c> and a container engine reachable, a throwaway
/// PostgreSQL 15 container (Testcontainers), so a laptop with Docker runs <c>dotnet test</c> with no
/// PostgreSQL installed.
/// </summary>
public interface IPostgresServer
{
    /// <summary>A connection string of a role that may create databases and roles.</summary>
    string AdminConnectionString { get; }
}

/// <summary>The kinds of server the tests can run against.</summary>
public enum PostgresSource
{
    /// <summary>A server already running: the local cluster deploy/test.sh starts, or one a developer names.</summary>
    External,

    /// <summary>A PostgreSQL 15 container started for the test run.</summary>
    Container,
}

/// <summary>The server every test class shares.</summary>
public static class PostgresServer
{
    /// <summary>The environment variable that chooses the source: <c>local</c> (the default) or <c>container</c>.</summary>
    public const string SourceVariable = "PROVENANCE_TEST_DATABASE";

    /// <summary>The image of the container source: the PostgreSQL the project supports.</summary>
    public const string ContainerImage = "postgres:15";

    private static readonly Lazy<IPostgresServer> LazyCurrent = new(FromEnvironment);

    /// <summary>The shared server.</summary>
    public static IPostgresServer Current => LazyCurrent.Value;

    /// <summary>
    /// Which source the settings choose: the container only when asked for and an engine is
    /// reachable (asked for without one is an error, never a silent fallback); otherwise the
    /// external server, which must be named.
    /// </summary>
    /// <exception cref="InvalidOperationException">The settings choose no usable source; the message says what to set.</exception>
    public static PostgresSource Choose(string? source, string? externalConnectionString, bool engineReachable)
    {
        switch (source?.Trim().ToLowerInvariant())
        {
            case "container":
                return engineReachable
                    ? PostgresSource.Container
                    : throw new InvalidOperationException(
                        $"{SourceVariable}=container, but no container engine is reachable (DOCKER_HOST, or a socket at /var/run/docker.sock). " +
                        "Start one, or leave the variable unset to use the local cluster deploy/test.sh starts.");
            case null or "" or "local":
                return !string.IsNullOrWhiteSpace(externalConnectionString)
                    ? PostgresSource.External
                    : throw new InvalidOperationException(
                        "No PostgreSQL for the tests: run them through deploy/test.sh, which starts a throwaway server, " +
                        $"set PROVENANCE_TEST_POSTGRES to a superuser connection string, or set {SourceVariable}=container where Docker runs.");
            default:
                throw new InvalidOperationException($"{SourceVariable} is '{source}': it may be 'local' (the default) or 'container'.");
        }
    }

    /// <summary>Whether a container engine looks reachable: <c>DOCKER_HOST</c> set, or the default socket present.</summary>
    public static bool ContainerEngineReachable(Func<string, string?> environment, Func<string, bool> fileExists) =>
        !string.IsNullOrWhiteSpace(environment("DOCKER_HOST")) || fileExists("/var/run/docker.sock");

    private static IPostgresServer FromEnvironment()
    {
        var external = Environment.GetEnvironmentVariable("PROVENANCE_TEST_POSTGRES") ?? Environment.GetEnvironmentVariable("ConnectionStrings__Provenance");
        return Choose(Environment.GetEnvironmentVariable(SourceVariable), external, ContainerEngineReachable(Environment.GetEnvironmentVariable, File.Exists)) switch
        {
            PostgresSource.Container => ContainerPostgresServer.Start(),
            _ => new ExternalPostgresServer(external!),
        };
    }

    private sealed class ExternalPostgresServer(string connectionString) : IPostgresServer
    {
        public string AdminConnectionString { get; } = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;
    }

    /// <summary>A PostgreSQL 15 container for the whole test run; Testcontainers' reaper removes it when the process ends.</summary>
    private sealed class ContainerPostgresServer(PostgreSqlContainer container) : IPostgresServer
    {
        public string AdminConnectionString { get; } = new NpgsqlConnectionStringBuilder(container.GetConnectionString()) { Pooling = false }.ConnectionString;

        public static ContainerPostgresServer Start()
        {
            var container = new PostgreSqlBuilder(ContainerImage).Build();
            container.StartAsync().GetAwaiter().GetResult();
            return new ContainerPostgresServer(container);
        }
    }
}
