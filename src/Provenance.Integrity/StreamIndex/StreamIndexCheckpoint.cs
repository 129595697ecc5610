using Provenance.Integrity.Checkpoints;

namespace Provenance.Integrity.StreamIndex;

/// <summary>
/// The stream index root in a signed checkpoint: the extension line
/// <c>provenance-stream-index &lt;base64 of the 32-byte root&gt;</c>, after the root hash line
/// (C2SP tlog-checkpoint allows extension lines there), so the signature covers it.
/// </summary>
public static class StreamIndexCheckpoint
{
    /// <summary>What the extension line starts with.</summary>
    public const string Prefix = "provenance-stream-index ";

    /// <summary>The extension line for <paramref name="root"/>.</summary>
    public static string Line(ReadOnlySpan<byte> root) =>
        root.Length == StreamIndexHashing.HashSize ? Prefix + Convert.ToBase64String(root) : throw new ArgumentException("A root is 32 bytes.", nameof(root));

    /// <summary>The root a checkpoint carries: null when it has no stream index line.</summary>
    /// <exception cref="FormatException">The checkpoint has more than one such line, or one that is not canonical base64 of 32 bytes.</exception>
    public static byte[]? Root(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var lines = checkpoint.ExtensionLines.Where(l => l.StartsWith(Prefix, StringComparison.Ordinal)).ToList();
        if (lines.Count == 0)
        {
            return null;
        }

        if (lines.Count > 1)
        {
            throw new FormatException("The checkpoint has more than one stream index line.");
        }

        var text = lines[0][Prefix.Length..];
        try
        {
            var root = Convert.FromBase64String(text);
            return root.Length == StreamIndexHashing.HashSize && Convert.ToBase64String(root) == text
                ? root
                : throw new FormatException("The stream index root is not canonical base64 of 32 bytes.");
        }
        catch (FormatException e) when (e.Message.StartsWith("The input", StringComparison.Ordinal))
        {
            throw new FormatException("The stream index root is not base64.", e);
        }
    }
}
