using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;

namespace Provenance.Api.Tests;

/// <summary>
/// A <see cref="WebApplicationFactory{TEntryPoint}"/> that builds and starts one host at a time.
/// With top-level statements, the factory finds the host the entry point builds through a process-wide
/// diagnostic listener; two test classes starting instances at once can catch each other's host,
/// and a host that fails to start (on purpose, in the settings tests) then surfaces as an
/// ObjectDisposedException instead of its own error (seen twice under the full suite's load). Test
/// classes still run in parallel; only the moment of starting a host is taken in turn.
/// </summary>
public sealed class SerializedStartFactory : WebApplicationFactory<Program>
{
    private static readonly Lock Starting = new();

    protected override IHost CreateHost(IHostBuilder builder)
    {
        lock (Starting)
        {
            return base.CreateHost(builder);
        }
    }
}
