namespace Provenance.Integrity.Checkpoints;

/// <summary>Why a signed checkpoint was rejected.</summary>
public enum CheckpointFailure
{
    /// <summary>The text is not a signed note: no blank line before the signatures, a malformed signature line, a missing final newline, a control character.</summary>
    MalformedNote,

    /// <summary>No signature line carries the verifier's key name and key ID.</summary>
    NoSignatureFromKey,

    /// <summary>A signature line from the verifier's key does not verify over the note text.</summary>
    InvalidSignature,

    /// <summary>The signed text is not a valid checkpoint body.</summary>
    MalformedCheckpoint,

    /// <summary>The checkpoint is for another log than the verifier expects.</summary>
    OriginMismatch,
}

/// <summary>A signed checkpoint did not verify; <see cref="Failure"/> says why.</summary>
public sealed class CheckpointVerificationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CheckpointVerificationException(CheckpointFailure failure, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
    }

    /// <summary>Why the checkpoint was rejected.</summary>
    public CheckpointFailure Failure { get; }
}
