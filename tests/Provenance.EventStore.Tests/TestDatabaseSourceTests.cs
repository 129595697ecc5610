using Provenance.Testing;

namespace Provenance.EventStore.Tests;

/// <summary>
/// #20: which PostgreSQL the tests run against. The local cluster deploy/test.sh starts stays the
/// default; a Testcontainers PostgreSQL 15 is used only when asked for and a container engine is
/// reachable, and asking for it without one is an error that says so, never a silent fallback.
/// </summary>
public sealed class TestDatabaseSourceTests
{
    private const string Local = "Host=127.0.0.1;Port=5432;Username=postgres";

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("local")]
    [InlineData("LOCAL")]
    public void Without_the_container_asked_for_the_external_server_is_used_even_where_docker_runs(string? source)
    {
        Assert.Equal(PostgresSource.External, PostgresServer.Choose(source, Local, engineReachable: true));
    }

    [Fact]
    public void The_container_is_used_when_asked_for_and_an_engine_is_reachable_whatever_else_is_set()
    {
        Assert.Equal(PostgresSource.Container, PostgresServer.Choose("container", null, engineReachable: true));
        Assert.Equal(PostgresSource.Container, PostgresServer.Choose("container", Local, engineReachable: true));
    }

    [Fact]
    public void Asking_for_the_container_without_an_engine_fails_and_says_what_to_do()
    {
        var error = Assert.Throws<InvalidOperationException>(() => PostgresServer.Choose("container", Local, engineReachable: false));

        Assert.Contains("no container engine is reachable", error.Message, StringComparison.Ordinal);
        Assert.Contains("deploy/test.sh", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_any_server_the_error_names_every_way_to_get_one()
    {
        var error = Assert.Throws<InvalidOperationException>(() => PostgresServer.Choose(null, null, engineReachable: false));

        Assert.Contains("PROVENANCE_TEST_POSTGRES", error.Message, StringComparison.Ordinal);
        Assert.Contains("PROVENANCE_TEST_DATABASE=container", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_source_is_refused_naming_the_allowed_ones()
    {
        var error = Assert.Throws<InvalidOperationException>(() => PostgresServer.Choose("podman-please", Local, engineReachable: true));

        Assert.Contains("'local' (the default) or 'container'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_engine_is_reachable_through_docker_host_or_the_default_socket()
    {
        Assert.True(PostgresServer.ContainerEngineReachable(v => v == "DOCKER_HOST" ? "tcp://127.0.0.1:2375" : null, _ => false));
        Assert.True(PostgresServer.ContainerEngineReachable(_ => null, path => path == "/var/run/docker.sock"));
        Assert.False(PostgresServer.ContainerEngineReachable(_ => null, _ => false));
    }
}
