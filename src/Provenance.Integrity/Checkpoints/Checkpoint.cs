using System.Globalization;
using System.Text;
using Provenance.Integrity.Merkle;

namespace Provenance.Integrity.Checkpoints;

/// <summary>
/// The body of a C2SP tlog-checkpoint (c2sp.org/tlog-checkpoint): the log's origin, its tree size
/// and the RFC 9162 root hash at that size, as the text <c>"&lt;origin&gt;\n&lt;size&gt;\n&lt;base64 root&gt;\n"</c>
/// followed by optional extension lines. Signed as a note by <see cref="CheckpointSigner"/>.
/// </summary>
public sealed class Checkpoint
{
    private readonly byte[] _rootHash;

    /// <summary>Creates a checkpoint.</summary>
    /// <param name="origin">The log's identity, e.g. <c>provenance.example.org/ledger</c>: non-empty, one line, no control characters.</param>
    /// <param name="treeSize">The number of leaves in the tree.</param>
    /// <param name="rootHash">The 32-byte root hash of the tree of that size.</param>
    /// <param name="extensionLines">Optional further lines: each non-empty, no control characters (C2SP does not recommend them).</param>
    /// <exception cref="ArgumentException">A field cannot appear in a checkpoint.</exception>
    public Checkpoint(string origin, ulong treeSize, ReadOnlySpan<byte> rootHash, IEnumerable<string>? extensionLines = null)
    {
        RequireLine(origin, nameof(origin));
        MerkleTree.RequireHashSize(rootHash, nameof(rootHash));
        var extensions = extensionLines?.ToArray() ?? [];
        foreach (var line in extensions)
        {
            RequireLine(line, nameof(extensionLines));
        }

        Origin = origin;
        TreeSize = treeSize;
        _rootHash = rootHash.ToArray();
        ExtensionLines = extensions;
    }

    /// <summary>The log's identity (the first line).</summary>
    public string Origin { get; }

    /// <summary>The number of leaves in the tree (the second line).</summary>
    public ulong TreeSize { get; }

    /// <summary>The 32-byte root hash of the tree (the third line).</summary>
    public ReadOnlyMemory<byte> RootHash => _rootHash;

    /// <summary>The lines after the root hash, if any.</summary>
    public IReadOnlyList<string> ExtensionLines { get; }

    /// <summary>
    /// Parses a checkpoint body (the note text, ending in a newline). Strict: the size must be a
    /// canonical decimal (no sign, no leading zeros, no spaces), the root hash must be canonical
    /// base64 of exactly 32 bytes, and no line may be empty.
    /// </summary>
    /// <exception cref="FormatException">The text is not a checkpoint body.</exception>
    public static Checkpoint Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.EndsWith('\n'))
        {
            throw new FormatException("A checkpoint ends with a newline.");
        }

        var lines = text[..^1].Split('\n');
        if (lines.Length < 3)
        {
            throw new FormatException($"A checkpoint has at least three lines (origin, tree size, root hash), not {lines.Length}.");
        }

        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
            {
                throw new FormatException($"Line {i + 1} of the checkpoint is empty.");
            }

            if (!IsLine(lines[i]))
            {
                throw new FormatException($"Line {i + 1} of the checkpoint holds a control character or invalid Unicode.");
            }
        }

        return new Checkpoint(lines[0], ParseTreeSize(lines[1]), ParseRootHash(lines[2]), lines[3..]);
    }

    /// <summary>
    /// The checkpoint a signed note carries, without checking its signatures: for a note read from
    /// where the caller already trusts it (its own store). Anything else goes through <see cref="CheckpointVerifier"/>.
    /// </summary>
    /// <exception cref="CheckpointVerificationException">The text is not a signed note.</exception>
    /// <exception cref="FormatException">The note's text is not a checkpoint body.</exception>
    public static Checkpoint FromTrustedNote(string signedNote) => Parse(SignedNote.Parse(signedNote).Text);

    /// <summary>The checkpoint body: the text that is signed, ending in a newline.</summary>
    public string ToNoteText()
    {
        var text = new StringBuilder()
            .Append(Origin).Append('\n')
            .Append(TreeSize.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append(Convert.ToBase64String(_rootHash)).Append('\n');
        foreach (var line in ExtensionLines)
        {
            text.Append(line).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>A line of a note: valid Unicode without control characters (so without a newline).</summary>
    internal static bool IsLine(string line)
    {
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c < 0x20)
            {
                return false;
            }

            if (char.IsHighSurrogate(c) && i + 1 < line.Length && char.IsLowSurrogate(line[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return false;
            }
        }

        return true;
    }

    private static ulong ParseTreeSize(string line)
    {
        // Canonical decimal only: "0", or a non-zero digit then digits; a different spelling of the
        // same size would be a different signed text for the same tree.
        var canonical = line == "0" || (line[0] is >= '1' and <= '9' && line.All(char.IsAsciiDigit));
        if (!canonical || !ulong.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            throw new FormatException($"The tree size \"{line}\" is not a canonical decimal number below 2^64.");
        }

        return size;
    }

    private static byte[] ParseRootHash(string line)
    {
        var hash = new byte[MerkleTree.HashSize];

        // Convert skips whitespace and ignores non-zero padding bits; re-encoding rules both out.
        if (!Convert.TryFromBase64String(line, hash, out var written) || written != hash.Length || Convert.ToBase64String(hash) != line)
        {
            throw new FormatException("The root hash is not the canonical base64 encoding of 32 bytes.");
        }

        return hash;
    }

    private static void RequireLine(string line, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(line, parameterName);
        if (line.Length == 0 || !IsLine(line))
        {
            throw new ArgumentException("A checkpoint line is non-empty valid Unicode without control characters or newlines.", parameterName);
        }
    }
}
