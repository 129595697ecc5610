using Provenance.Integrity.Checkpoints;

namespace Provenance.Integrity.Bundles;

public sealed partial class AuditBundleVerifier
{
    /// <summary>
    /// Check 2: the checkpoint's signature verifies with the trusted key (and <c>public-key.txt</c>
    /// holds that key), its origin is the key's name and the manifest's origin, and its size is the
    /// manifest's tree size. Returns the checkpoint to check the proofs against: when the
    /// signature fails but the body can be read, its root still serves to find further failures.
    /// </summary>
    private async Task<Checkpoint?> ReadCheckpointAsync(AuditBundleSource bundle, BundleManifest? manifest, BundleVerificationResult result, CancellationToken cancellationToken)
    {
        var bundleKey = await ReadBundleKeyAsync(bundle, result, cancellationToken).ConfigureAwait(false);
        var key = _trustedKey ?? bundleKey;
        result.TrustedBundleKey = _trustedKey is null && bundleKey is not null;
        result.Key = key?.ToString();
        if (_trustedKey is not null && bundleKey is not null && bundleKey.ToString() != _trustedKey.ToString())
        {
            result.Fail(AuditBundleFiles.PublicKey, 1, $"the file holds the key {bundleKey.Name}+{bundleKey.KeyId:x8}, not the trusted key {_trustedKey.Name}+{_trustedKey.KeyId:x8}");
        }

        var bytes = await ReadSmallFileAsync(bundle, AuditBundleFiles.Checkpoint, MaxCheckpointBytes, result, cancellationToken).ConfigureAwait(false);
        if (bytes is null)
        {
            return null;
        }

        if (DecodeText(bytes) is not { } note)
        {
            result.Fail(AuditBundleFiles.Checkpoint, null, "the checkpoint is not UTF-8 text");
            return null;
        }

        var checkpoint = Verify(note, key, result) ?? ReadUnverified(note);
        if (checkpoint is null)
        {
            return null;
        }

        CheckWitnesses(note, result);
        result.Origin = checkpoint.Origin;
        result.TreeSize = checkpoint.TreeSize;
        result.RootHash = Convert.ToBase64String(checkpoint.RootHash.Span);
        if (manifest is not null && manifest.Origin != checkpoint.Origin)
        {
            result.Fail(AuditBundleFiles.Manifest, 1, $"origin is \"{manifest.Origin}\", but the checkpoint is of \"{checkpoint.Origin}\"");
        }

        if (manifest is not null && manifest.TreeSize != checkpoint.TreeSize)
        {
            result.Fail(AuditBundleFiles.Manifest, 1, $"treeSize is {manifest.TreeSize:N0}, but the checkpoint's tree size is {checkpoint.TreeSize:N0}");
        }

        return checkpoint;
    }

    // #17: the witnesses' cosignatures of the checkpoint, against the keys the caller trusts, and the quorum.
    private void CheckWitnesses(string note, BundleVerificationResult result)
    {
        if (Witnesses.Count == 0 && Quorum == 0)
        {
            return;
        }

        Witnessing.WitnessCheck check;
        try
        {
            check = Witnessing.CosignedNote.Check(note, Witnesses);
        }
        catch (CheckpointVerificationException)
        {
            return; // the note is malformed: reported by the signature check
        }

        result.Witnesses = check;
        foreach (var (witness, reason) in check.Forged)
        {
            result.Fail(AuditBundleFiles.Checkpoint, null, $"witness {witness.Name}+{witness.KeyId:x8}: {reason}");
        }

        if (!check.Meets(Quorum))
        {
            var signed = check.Cosigned.Count == 0 ? "none of them" : string.Join(", ", check.Cosigned.Select(c => c.Witness.Name));
            result.Fail(AuditBundleFiles.Checkpoint, null,
                $"the checkpoint is cosigned by {check.Cosigned.Count} of the {Witnesses.Count} given witnesses ({signed}); the quorum is {Quorum}");
        }
    }

    private static Checkpoint? Verify(string note, VerifierKey? key, BundleVerificationResult result)
    {
        if (key is null)
        {
            result.Fail(AuditBundleFiles.Checkpoint, null, "the checkpoint's signature cannot be checked: no key was given and public-key.txt holds none");
            return null;
        }

        try
        {
            var checkpoint = new CheckpointVerifier(key, key.Name).Verify(note);
            result.CheckpointVerified = true;
            return checkpoint;
        }
        catch (CheckpointVerificationException e)
        {
            var reason = e.Failure switch
            {
                CheckpointFailure.NoSignatureFromKey => $"the checkpoint is not signed by the key {key.Name}+{key.KeyId:x8}",
                CheckpointFailure.InvalidSignature => $"the signature by {key.Name}+{key.KeyId:x8} does not verify: the checkpoint was altered",
                CheckpointFailure.OriginMismatch => $"the checkpoint is not of the key's log: {e.Message}",
                _ => $"the checkpoint is not a valid signed checkpoint: {e.Message}",
            };
            result.Fail(AuditBundleFiles.Checkpoint, null, reason);
            return null;
        }
    }

    /// <summary>The checkpoint body without its signature checked (already reported): for finding further failures only.</summary>
    private static Checkpoint? ReadUnverified(string note)
    {
        try
        {
            return Checkpoint.Parse(SignedNote.Parse(note).Text);
        }
        catch (Exception e) when (e is CheckpointVerificationException or FormatException)
        {
            return null;
        }
    }

    private static async Task<VerifierKey?> ReadBundleKeyAsync(AuditBundleSource bundle, BundleVerificationResult result, CancellationToken cancellationToken)
    {
        var bytes = await ReadSmallFileAsync(bundle, AuditBundleFiles.PublicKey, MaxPublicKeyBytes, result, cancellationToken).ConfigureAwait(false);
        if (bytes is null)
        {
            return null;
        }

        if (DecodeText(bytes) is not { } text || !text.EndsWith('\n') || text.IndexOf('\n', StringComparison.Ordinal) != text.Length - 1)
        {
            result.Fail(AuditBundleFiles.PublicKey, 1, "the file is not one line of text ending in LF");
            return null;
        }

        try
        {
            return VerifierKey.Parse(text[..^1]);
        }
        catch (FormatException e)
        {
            result.Fail(AuditBundleFiles.PublicKey, 1, $"the file holds no verifier key: {e.Message}");
            return null;
        }
    }
}
