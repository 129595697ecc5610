using Provenance.Integrity.Checkpoints;
using Provenance.Integrity.Witnessing;

namespace Provenance.Witness;

/// <summary>What a witness needs: its signing key, where it keeps its state, and the logs it witnesses.</summary>
/// <param name="Signer">Its Ed25519 key.</param>
/// <param name="StateDirectory">A directory it owns: the latest checkpoint it cosigned per log, and the evidence of split views it refused.</param>
/// <param name="Logs">The logs it witnesses, each by its verifier key; a log's origin is its key's name.</param>
public sealed record WitnessOptions(WitnessSigner Signer, string StateDirectory, IReadOnlyList<VerifierKey> Logs)
{
    /// <summary>The most bytes an add-checkpoint request may have.</summary>
    public const int MaxRequestBytes = 64 * 1024;
}
