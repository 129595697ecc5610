using Provenance.Integrity.Checkpoints;

namespace Provenance.Integrity.Witnessing;

/// <summary>What a note's cosignatures show for a set of trusted witnesses.</summary>
/// <param name="Cosigned">The witnesses whose cosignature verifies, each with it.</param>
/// <param name="Forged">The witnesses with a line under their name and key ID that does not verify, each with why.</param>
/// <param name="Missing">The witnesses with no line in the note.</param>
public sealed record WitnessCheck(
    IReadOnlyList<(WitnessKey Witness, Cosignature Cosignature)> Cosigned,
    IReadOnlyList<(WitnessKey Witness, string Reason)> Forged,
    IReadOnlyList<WitnessKey> Missing)
{
    /// <summary>Whether at least <paramref name="quorum"/> of the trusted witnesses cosigned.</summary>
    public bool Meets(int quorum) => Cosigned.Count >= quorum;
}

/// <summary>
/// A signed note with its witnesses' cosignatures (c2sp.org/tlog-cosignature): reading them,
/// checking them against trusted witness keys, and adding new ones. A cosignature signs the note's
/// text, so it stands beside the log's own signature line without changing it.
/// </summary>
public static class CosignedNote
{
    /// <summary>
    /// The lines of <paramref name="signedNote"/> that have the shape of a cosignature/v1, except
    /// the log's own: a DER-encoded ECDSA P-256 signature is 70 to 72 bytes, and at 72 it has the
    /// cosignature's shape, so the shape alone can't tell them apart. The log's line is the one
    /// named as the checkpoint's origin (its first line), a name no witness may take.
    /// </summary>
    /// <exception cref="CheckpointVerificationException">The note is malformed.</exception>
    public static IReadOnlyList<Cosignature> Cosignatures(string signedNote)
    {
        var (text, signatures) = SignedNote.Parse(signedNote);
        var origin = text[..text.IndexOf('\n', StringComparison.Ordinal)];
        return [.. signatures.Where(s => s.KeyName != origin).Select(s => Cosignature.FromNoteSignature(s.KeyName, s.KeyId, s.Signature)).OfType<Cosignature>()];
    }

    /// <summary>The note's text: what the log and every witness signed (the checkpoint, ending in a newline).</summary>
    /// <exception cref="CheckpointVerificationException">The note is malformed.</exception>
    public static string Text(string signedNote) => SignedNote.Parse(signedNote).Text;

    /// <summary>Checks the note's cosignatures against each trusted witness: signed, forged (a line under its name and key ID that does not verify) or missing.</summary>
    /// <exception cref="CheckpointVerificationException">The note is malformed.</exception>
    public static WitnessCheck Check(string signedNote, IEnumerable<WitnessKey> witnesses)
    {
        ArgumentNullException.ThrowIfNull(witnesses);
        var (text, signatures) = SignedNote.Parse(signedNote);
        var (signed, forged, missing) = (new List<(WitnessKey, Cosignature)>(), new List<(WitnessKey, string)>(), new List<WitnessKey>());
        foreach (var witness in witnesses.DistinctBy(w => (w.Name, w.KeyId)))
        {
            var lines = signatures.Where(s => s.KeyName == witness.Name && s.KeyId == witness.KeyId).ToList();
            if (lines.Count == 0)
            {
                missing.Add(witness);
                continue;
            }

            var valid = lines.Select(l => Cosignature.FromNoteSignature(l.KeyName, l.KeyId, l.Signature)).FirstOrDefault(c => c is not null && c.Verifies(witness, text));
            if (valid is not null)
            {
                signed.Add((witness, valid));
            }
            else
            {
                forged.Add((witness, lines.Any(l => l.Signature.Length != Cosignature.SignedPartSize)
                    ? "its line is not a cosignature/v1 (a timestamp and an Ed25519 signature)"
                    : "its cosignature does not verify over the checkpoint's text"));
            }
        }

        return new WitnessCheck(signed, forged, missing);
    }

    /// <summary>
    /// Adds cosignature lines to a signed note, after its existing signatures; a line whose name and
    /// key ID the note already carries is not added again. The note must be well formed.
    /// </summary>
    /// <exception cref="CheckpointVerificationException">The note is malformed.</exception>
    public static string Add(string signedNote, IEnumerable<Cosignature> cosignatures)
    {
        ArgumentNullException.ThrowIfNull(cosignatures);
        var present = SignedNote.Parse(signedNote).Signatures.Select(s => (s.KeyName, s.KeyId)).ToHashSet();
        var note = signedNote;
        foreach (var cosignature in cosignatures)
        {
            if (present.Add((cosignature.Name, cosignature.KeyId)))
            {
                note += cosignature.ToLine();
            }
        }

        return note;
    }
}
