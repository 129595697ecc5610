using Provenance.EventStore.Background;
using Provenance.Ledger.Integrity;

namespace Provenance.Ledger.Infrastructure.Background;

/// <summary>
/// Hosts the ledger's <see cref="LogDaemon"/> (the catalog projection and the Merkle tree follow the
/// log). The checkpoint signing key is loaded before it starts, so an unreadable or malformed key
/// stops the service before it listens.
/// </summary>
internal sealed class BackgroundWork(LogDaemon daemon, SigningKey signingKey) : BackgroundService
{
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _ = signingKey.Signer;
        return base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => daemon.RunAsync(stoppingToken);
}
