namespace Provenance.EventStore.Integrity;

/// <summary>
/// The log, its Merkle tree and its checkpoints disagree: a gap in the positions, a tree head whose
/// root its stored subtrees do not give, a stored event whose leaf hash is not in the tree, or a
/// checkpoint inconsistent with an earlier one. Never expected; it means the database was changed
/// outside the ledger (or a bug), so the ledger stops rather than sign or prove over it.
/// </summary>
public sealed class LogIntegrityException : Exception
{
    /// <summary>Creates the exception with what disagrees.</summary>
    public LogIntegrityException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
