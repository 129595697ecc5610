using Provenance.EventStore.Integrity;

namespace Provenance.Ledger.Integrity;

/// <summary>Proofs are read for stored checkpoints, whose subtrees are all stored: a missing one means tampering, not a bad request.</summary>
internal static class ProofSource
{
    public static async Task<IReadOnlyList<byte[]>> ReadAsync(long treeSize, Func<ValueTask<IReadOnlyList<byte[]>>> prove)
    {
        try
        {
            return await prove();
        }
        catch (KeyNotFoundException e)
        {
            throw new LogIntegrityException($"The checkpoint of {treeSize} leaves covers subtrees the Merkle tree has not stored.", e);
        }
    }
}
