using System.Globalization;
using System.Text;

namespace Provenance.Integrity.Witnessing;

/// <summary>
/// The body of a C2SP <c>tlog-witness</c> <c>add-checkpoint</c> request (c2sp.org/tlog-witness):
/// <c>old &lt;size&gt;</c>, up to 63 base64 consistency proof lines, an empty line, then the signed checkpoint.
/// </summary>
/// <param name="OldSize">The size of the checkpoint the witness last cosigned for the log, as the client believes it (0: none).</param>
/// <param name="ConsistencyProof">The RFC 6962 consistency proof from <paramref name="OldSize"/> to the checkpoint's size (empty when the old size is 0).</param>
/// <param name="SignedNote">The signed checkpoint, with every signature it carries.</param>
public sealed record AddCheckpointRequest(ulong OldSize, IReadOnlyList<byte[]> ConsistencyProof, string SignedNote)
{
    /// <summary>The most consistency proof lines a request may carry.</summary>
    public const int MaxProofLines = 63;

    /// <summary>The media type of a 409 answer's body (the witness's size and a newline).</summary>
    public const string SizeMediaType = "text/x.tlog.size";

    /// <summary>The request body.</summary>
    public string Format()
    {
        var body = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"old {OldSize}\n"));
        foreach (var hash in ConsistencyProof)
        {
            body.Append(Convert.ToBase64String(hash)).Append('\n');
        }

        return body.Append('\n').Append(SignedNote).ToString();
    }

    /// <summary>Reads a request body.</summary>
    /// <exception cref="FormatException">The body is not an add-checkpoint request; the message says why.</exception>
    public static AddCheckpointRequest Parse(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var end = body.IndexOf('\n', StringComparison.Ordinal);
        if (end < 0 || !body.StartsWith("old ", StringComparison.Ordinal))
        {
            throw new FormatException("The body starts with the line \"old <size>\".");
        }

        var size = body[4..end];
        if (size.Length == 0 || (size.Length > 1 && size[0] == '0') || !size.All(char.IsAsciiDigit) ||
            !ulong.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var oldSize))
        {
            throw new FormatException("The old size is a decimal number without leading zeros.");
        }

        var proof = new List<byte[]>();
        var at = end + 1;
        while (true)
        {
            var next = body.IndexOf('\n', at);
            if (next < 0)
            {
                throw new FormatException("The proof lines end with an empty line before the checkpoint.");
            }

            var line = body[at..next];
            at = next + 1;
            if (line.Length == 0)
            {
                break;
            }

            if (proof.Count == MaxProofLines)
            {
                throw new FormatException($"A consistency proof has at most {MaxProofLines} lines.");
            }

            byte[] hash;
            try
            {
                hash = Convert.FromBase64String(line);
            }
            catch (FormatException)
            {
                throw new FormatException("A consistency proof line is not base64.");
            }

            if (hash.Length != 32 || Convert.ToBase64String(hash) != line)
            {
                throw new FormatException("A consistency proof line is the canonical base64 of a 32-byte hash.");
            }

            proof.Add(hash);
        }

        return new AddCheckpointRequest(oldSize, proof, body[at..]);
    }
}
