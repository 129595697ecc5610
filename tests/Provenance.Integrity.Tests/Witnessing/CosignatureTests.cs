using System.Text.RegularExpressions;
using Provenance.Integrity.Checkpoints;
using Provenance.Integrity.Witnessing;

namespace Provenance.Integrity.Tests.Witnessing;

/// <summary>
/// #17: C2SP tlog-cosignature version 1 (Ed25519): witness keys and their key IDs, signature lines
/// and their timestamps, checked against the vendored upstream vectors (Vectors/tlog-cosignature),
/// and cosigning and checking a checkpoint's note.
/// </summary>
public sealed partial class CosignatureTests
{
    private static readonly string GoVectors = File.ReadAllText(ConformanceVectors.PathOf("tlog-cosignature", "transparency-dev-formats", "note_cosigv1_test.go"));
    private static readonly string Specification = File.ReadAllText(ConformanceVectors.PathOf("tlog-cosignature", "c2sp", "tlog-cosignature.md"));

    [Fact]
    public void The_upstream_ed25519_cosignature_key_parses_and_its_key_id_is_the_one_its_name_and_key_give()
    {
        var text = Vector("works: native algEd25519CosignatureV1 verifier");

        var key = WitnessKey.Parse(text);

        Assert.Equal("remora.n621.de", key.Name);
        Assert.Equal(0xda77ade7u, key.KeyId);
        Assert.Equal(text, key.ToString());
        // The key ID commits to the name: the same key under another name has another ID.
        Assert.NotEqual(key.KeyId, WitnessKey.ComputeKeyId("remora.n621.de.", key.PublicKey.Span));
    }

    [Theory]
    [InlineData("wrong number of parts")]
    [InlineData("invalid base64")]
    [InlineData("invalid algo")]
    [InlineData("incorrect keyhash")]
    [InlineData("works: convert from algEd25519")]
    public void The_upstream_keys_that_are_not_cosignature_v1_keys_are_refused(string vector)
    {
        // The last is a valid Go note key of type 0x01 (plain Ed25519): not a cosignature/v1 key.
        Assert.Throws<FormatException>(() => WitnessKey.Parse(Vector(vector)));
    }

    [Fact]
    public void The_upstream_signature_reads_as_a_key_id_a_timestamp_and_an_ed25519_signature()
    {
        var signature = SignatureVector("works");

        var cosignature = Assert.Single(CosignedNote.Cosignatures(NoteWith($"\u2014 witness.example/x {signature}\n")));

        Assert.Equal(1727964367UL, cosignature.Timestamp);
        Assert.Equal(0x646846b9u, cosignature.KeyId);
        Assert.Equal(64, cosignature.Signature.Length);
        Assert.Equal(signature, cosignature.ToLine().Split(' ')[2].TrimEnd('\n'));
    }

    [Fact]
    public void A_signature_line_of_another_type_is_not_read_as_a_cosignature()
    {
        Assert.Empty(CosignedNote.Cosignatures(NoteWith($"\u2014 witness.example/x {SignatureVector("wrong type of signature")}\n")));
    }

    [Fact]
    public void Bug_17_the_logs_own_line_is_never_read_as_a_cosignature_even_when_its_ecdsa_signature_is_72_bytes()
    {
        // A DER-encoded ECDSA P-256 signature is 72 bytes when both r and s need a leading zero: the
        // length of a cosignature/v1's timestamp and Ed25519 signature. The log's line is named as the origin.
        var logLine = Convert.ToBase64String([0x12, 0x34, 0x56, 0x78, .. Enumerable.Range(0, 72).Select(i => (byte)i)]);
        var witnessLine = Convert.ToBase64String([0x9a, 0xbc, 0xde, 0xf0, .. Enumerable.Range(0, 72).Select(i => (byte)(255 - i))]);
        var note = $"example.org/log\n5\n{Convert.ToBase64String(new byte[32])}\n\n\u2014 example.org/log {logLine}\n\u2014 witness.example {witnessLine}\n";

        var cosignature = Assert.Single(CosignedNote.Cosignatures(note));

        Assert.Equal("witness.example", cosignature.Name);
    }

    [Fact]
    public void The_specification_example_carries_a_cosignature_at_the_time_its_signed_message_states()
    {
        var example = SpecificationExample().Match(Specification);
        Assert.True(example.Success, "the specification's example checkpoint was not found");
        var timeLine = TimeLine().Match(Specification);

        var cosignature = Assert.Single(CosignedNote.Cosignatures(example.Groups["note"].Value));

        Assert.Equal("witness.example.com/w1", cosignature.Name);
        Assert.Equal(ulong.Parse(timeLine.Groups["time"].Value, System.Globalization.CultureInfo.InvariantCulture), cosignature.Timestamp);
        Assert.StartsWith("cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\n",
            System.Text.Encoding.UTF8.GetString(Cosignature.Message(CosignedNote.Text(example.Groups["note"].Value), cosignature.Timestamp)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_cosignature_verifies_over_the_whole_note_text_extension_lines_included_and_nothing_else()
    {
        using var witness = WitnessSigner.Generate("witness.example.org/w1");
        var text = "provenance.example.org/ledger\n42\n" + Convert.ToBase64String(new byte[32]) + "\nprovenance-stream-index " + Convert.ToBase64String(new byte[32]) + "\n";
        var cosignature = witness.Sign(text, DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));

        Assert.True(cosignature.Verifies(witness.VerifierKey, text));
        Assert.False(cosignature.Verifies(witness.VerifierKey, text.Replace("stream-index A", "stream-index B", StringComparison.Ordinal)));
        Assert.False(cosignature.Verifies(witness.VerifierKey, text.Replace("\n42\n", "\n43\n", StringComparison.Ordinal)));
        Assert.False((cosignature with { Timestamp = cosignature.Timestamp + 1 }).Verifies(witness.VerifierKey, text));
        using var other = WitnessSigner.Generate("witness.example.org/w1");
        Assert.False(cosignature.Verifies(other.VerifierKey, text));
    }

    [Fact]
    public void A_note_tells_which_trusted_witnesses_cosigned_which_line_is_forged_and_which_are_missing()
    {
        using var log = new TestSigner();
        using var w1 = WitnessSigner.Generate("w1.example.org");
        using var w2 = WitnessSigner.Generate("w2.example.org");
        using var w3 = WitnessSigner.Generate("w3.example.org");
        var note = log.Note();
        var text = CosignedNote.Text(note);
        var forged = w2.Sign(text, DateTimeOffset.UtcNow);
        forged.Signature[5] ^= 1;

        var cosigned = CosignedNote.Add(note, [w1.Sign(text, DateTimeOffset.UtcNow), forged]);
        var check = CosignedNote.Check(cosigned, [w1.VerifierKey, w2.VerifierKey, w3.VerifierKey]);

        Assert.Equal(["w1.example.org"], check.Cosigned.Select(c => c.Witness.Name));
        Assert.Equal(["w2.example.org"], check.Forged.Select(f => f.Witness.Name));
        Assert.Equal(["w3.example.org"], check.Missing.Select(m => m.Name));
        Assert.True(check.Meets(1));
        Assert.False(check.Meets(2));
        // The log's own signature is untouched by the lines after it.
        Assert.Equal(7UL, new CheckpointVerifier(log.Key, log.Key.Name).Verify(cosigned).TreeSize);
        // A witness's second line is not added twice.
        Assert.Equal(cosigned, CosignedNote.Add(cosigned, [w1.Sign(text, DateTimeOffset.UtcNow)]));
    }

    [Fact]
    public void A_private_key_round_trips_through_its_text_and_signs_as_the_same_witness()
    {
        using var witness = WitnessSigner.Generate("witness.example.org/w1");
        var text = witness.ToPrivateKeyText();
        Assert.StartsWith("PRIVATE+KEY+witness.example.org/w1+", text, StringComparison.Ordinal);

        using var again = WitnessSigner.Parse(text);
        Assert.Equal(witness.VerifierKey.ToString(), again.VerifierKey.ToString());
        Assert.True(again.Sign("a\n", DateTimeOffset.UtcNow).Verifies(witness.VerifierKey, "a\n"));
        Assert.Throws<FormatException>(() => WitnessSigner.Parse(text.Replace("+witness.example.org/w1+", "+witness.example.org/w2+", StringComparison.Ordinal)));
    }

    private static string Vector(string name)
    {
        var match = Regex.Match(GoVectors, "name:\\s+\"" + Regex.Escape(name) + "\",\\s+pubK:\\s+(?<key>\"[^\"]*\"(\\s*\\+\\s*\\w+)?)");
        Assert.True(match.Success, $"vector '{name}' not found");
        var key = match.Groups["key"].Value;
        // "…+" + sigStoreKeyMaterial: the constant is defined in another upstream file; an empty key part is as malformed.
        return key.Contains('+', StringComparison.Ordinal) && key.EndsWith("sigStoreKeyMaterial", StringComparison.Ordinal)
            ? key[1..key.IndexOf('"', 1)]
            : key.Trim('"');
    }

    private static string SignatureVector(string name)
    {
        var match = Regex.Match(GoVectors, "func TestCoSigV1Timestamp.*?name:\\s+\"" + Regex.Escape(name) + "\",\\s+sig:\\s+note.Signature\\{Base64: \"(?<sig>[^\"]+)\"\\}", RegexOptions.Singleline);
        Assert.True(match.Success, $"signature vector '{name}' not found");
        return match.Groups["sig"].Value;
    }

    private static string NoteWith(string lines) => "example.org/log\n1\n" + Convert.ToBase64String(new byte[32]) + "\n\n" + lines;

    [GeneratedRegex("```\\n(?<note>example\\.com/behind-the-sofa\\n.*?\\n)```", RegexOptions.Singleline)]
    private static partial Regex SpecificationExample();

    [GeneratedRegex("\\n    time (?<time>\\d+)\\n")]
    private static partial Regex TimeLine();

    private sealed class TestSigner : IDisposable
    {
        private readonly System.Security.Cryptography.ECDsa _ecdsa = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        private readonly CheckpointSigner _signer;

        public TestSigner() => _signer = new CheckpointSigner("provenance.example.org/ledger", _ecdsa);

        public VerifierKey Key => _signer.VerifierKey;

        public string Note() => _signer.Sign(new Checkpoint("provenance.example.org/ledger", 7, new byte[32]));

        public void Dispose()
        {
            _signer.Dispose();
            _ecdsa.Dispose();
        }
    }
}
