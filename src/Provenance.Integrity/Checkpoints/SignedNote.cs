using System.Buffers.Binary;
using System.Text;

namespace Provenance.Integrity.Checkpoints;

/// <summary>A signature line of a signed note: the signer's key name and key ID, and the signature.</summary>
internal sealed record NoteSignature(string KeyName, uint KeyId, byte[] Signature);

/// <summary>
/// The C2SP signed-note envelope (c2sp.org/signed-note): the text (ending in a newline), a blank
/// line, then one or more lines <c>"— &lt;key name&gt; &lt;base64(key ID || signature)&gt;\n"</c>.
/// </summary>
internal static class SignedNote
{
    /// <summary>Em dash (U+2014) and a space.</summary>
    private const string SignaturePrefix = "\u2014 ";

    // c2sp.org/signed-note: verifiers must accept at least 16 signatures and should cap them; Go caps at 100.
    private const int MaxSignatures = 100;

    public static string Format(string text, NoteSignature signature)
    {
        Span<byte> keyId = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(keyId, signature.KeyId);
        return new StringBuilder(text)
            .Append('\n')
            .Append(SignaturePrefix).Append(signature.KeyName).Append(' ')
            .Append(Convert.ToBase64String([.. keyId, .. signature.Signature]))
            .Append('\n')
            .ToString();
    }

    /// <exception cref="CheckpointVerificationException">The note is malformed.</exception>
    public static (string Text, IReadOnlyList<NoteSignature> Signatures) Parse(string note)
    {
        ArgumentNullException.ThrowIfNull(note);
        foreach (var line in note.Split('\n'))
        {
            if (!Checkpoint.IsLine(line))
            {
                throw Malformed("The note holds a control character other than newline, or invalid Unicode.");
            }
        }

        // The text may hold blank lines itself; the last one separates it from the signatures.
        var blank = note.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (blank < 0)
        {
            throw Malformed("The note has no blank line before its signatures.");
        }

        var text = note[..(blank + 1)];
        var rest = note[(blank + 2)..];
        if (rest.Length == 0)
        {
            throw Malformed("The note has no signature lines after its last blank line.");
        }

        var signatures = new List<NoteSignature>();
        while (rest.Length > 0)
        {
            var end = rest.IndexOf('\n', StringComparison.Ordinal);
            if (end < 0)
            {
                throw Malformed("The last signature line does not end with a newline.");
            }

            if (signatures.Count == MaxSignatures)
            {
                throw Malformed($"The note has more than {MaxSignatures} signatures.");
            }

            signatures.Add(ParseSignatureLine(rest[..end]));
            rest = rest[(end + 1)..];
        }

        return (text, signatures);
    }

    private static NoteSignature ParseSignatureLine(string line)
    {
        if (!line.StartsWith(SignaturePrefix, StringComparison.Ordinal))
        {
            throw Malformed("A signature line does not start with an em dash and a space.");
        }

        var fields = line[SignaturePrefix.Length..].Split(' ');
        if (fields.Length != 2 || !VerifierKey.IsKeyName(fields[0]))
        {
            throw Malformed("A signature line is not \"— <key name> <signature>\".");
        }

        byte[] decoded;
        try
        {
            decoded = Convert.FromBase64String(fields[1]);
        }
        catch (FormatException e)
        {
            throw Malformed("A signature is not base64.", e);
        }

        if (decoded.Length < 5 || Convert.ToBase64String(decoded) != fields[1])
        {
            throw Malformed("A signature is not canonical base64 of a key ID and a signature.");
        }

        return new NoteSignature(fields[0], BinaryPrimitives.ReadUInt32BigEndian(decoded), decoded[4..]);
    }

    private static CheckpointVerificationException Malformed(string message, Exception? inner = null) =>
        new(CheckpointFailure.MalformedNote, message, inner);
}
