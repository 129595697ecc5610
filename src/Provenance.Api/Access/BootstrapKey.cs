using Microsoft.Extensions.Options;
using Npgsql;
using Provenance.Domain.Access;
using Provenance.Ledger.Access;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Streams;

namespace Provenance.Api.Access;

/// <summary>
/// The first administrator: at start-up, before the server listens, when no active administrator
/// API key exists and <c>Provenance:Auth:BootstrapKeyFile</c> is set, the service issues one (the
/// issuance is an event by <c>system</c>, like any other) and writes the key to that file, mode
/// 600. The key is never logged. The same happens again after every administrator key has expired
/// or been revoked, which is how an operator who holds the file system gets back in.
/// </summary>
internal sealed partial class BootstrapKey(
    IServiceScopeFactory scopes, NpgsqlDataSource dataSource, IOptions<AuthOptions> options, TimeProvider clock, ILogger<BootstrapKey> logger) : IHostedService
{
    public const string Principal = ReservedPrincipals.BootstrapAdmin;
    private static readonly string[] AdminRole = [Domain.Common.Names.Of(Role.Admin)];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        // Instances starting together take turns, so only one of them issues the key.
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_lock(hashtextextended('provenance-bootstrap-key', 0))", connection))
        {
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            if (await AnyActiveAdministratorKeyAsync(services, cancellationToken))
            {
                return;
            }

            if (string.IsNullOrWhiteSpace(settings.BootstrapKeyFile))
            {
                LogNoAdministrator(logger);
                return;
            }

            services.GetRequiredService<RequestContext>().ActAsSystem();
            var issued = await services.GetRequiredService<ApiKeyIssuer>().IssueAsync(Principal, [Role.Admin], null,
                clock.GetUtcNow() + settings.BootstrapKeyLifetime, "Bootstrap administrator key: issue personal keys with it, then revoke it.", cancellationToken);
            SecretFile.Write(settings.BootstrapKeyFile, issued.Key + "\n");
            LogIssued(logger, issued.Issued.KeyId, Path.GetFullPath(settings.BootstrapKeyFile), issued.Issued.ExpiresAt);
        }
        finally
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtextextended('provenance-bootstrap-key', 0))", connection);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Whether any key holding the admin role authenticates now (administrators are few: every page is read).</summary>
    public static async Task<bool> AnyActiveAdministratorKeyAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var index = services.GetRequiredService<RegistrationIndex>();
        var directory = services.GetRequiredService<ApiKeyDirectory>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var filter = new List<(string, object)> { ("roles", AdminRole) };
        long? after = 0;
        while (after is { } position)
        {
            var (items, next) = await index.ListAsync(Domain.Common.EventCatalog.NameOf<Domain.Access.ApiKeyIssued>(), filter, position, 500, cancellationToken);
            var keys = await directory.FindManyAsync(items.Select(i => i.StreamId).ToList(), cancellationToken);
            if (keys.Values.Any(k => k.IsActiveAt(now)))
            {
                return true;
            }

            after = next;
        }

        return false;
    }

    [LoggerMessage(LogLevel.Warning,
        "Issued bootstrap administrator key {KeyId}, valid until {ExpiresAt:u}, into {Path} (mode 600): use it to issue personal keys, then revoke it")]
    private static partial void LogIssued(ILogger logger, Guid keyId, string path, DateTimeOffset expiresAt);

    [LoggerMessage(LogLevel.Warning,
        "No active administrator API key exists and Provenance:Auth:BootstrapKeyFile is not set: set it to have the service issue one at start-up (or sign in with a JWT that carries the admin role)")]
    private static partial void LogNoAdministrator(ILogger logger);
}
