using System.Security.Cryptography;
using System.Text;
using Provenance.Integrity.StreamIndex;

namespace Provenance.Integrity.Tests.StreamIndex;

/// <summary>
/// The stream index's hashes as docs/audit-bundle-format.md spells them, recomputed here from the
/// bytes rather than through the code under test, so a verifier written elsewhere gets the same root.
/// </summary>
public sealed class StreamIndexHashingTests
{
    private static readonly byte[] First = SHA256.HashData("first"u8);
    private static readonly byte[] Second = SHA256.HashData("second"u8);

    private static byte[] Spelled(byte prefix, byte[] first, byte[] second) => SHA256.HashData([prefix, .. first, .. second]);

    [Fact]
    public void A_key_is_the_SHA256_of_the_lowercase_hyphenated_id()
    {
        var id = Guid.Parse("0193A5B2-7C4D-7E8F-9A0B-1C2D3E4F5A6B");
        var expected = SHA256.HashData(Encoding.ASCII.GetBytes("0193a5b2-7c4d-7e8f-9a0b-1c2d3e4f5a6b"));

        BothFormsAre(expected, StreamIndexHashing.Key(id), destination => StreamIndexHashing.Key(id, destination));
    }

    [Fact]
    public void A_leaf_is_prefixed_0x02_and_both_forms_agree() =>
        BothFormsAre(Spelled(0x02, First, Second), StreamIndexHashing.Leaf(First, Second), destination => StreamIndexHashing.Leaf(First, Second, destination));

    [Fact]
    public void A_node_is_prefixed_0x03_and_both_forms_agree()
    {
        BothFormsAre(Spelled(0x03, First, Second), StreamIndexHashing.Node(First, Second), destination => StreamIndexHashing.Node(First, Second, destination));
        Assert.NotEqual(StreamIndexHashing.Node(First, Second), StreamIndexHashing.Node(Second, First));
    }

    [Fact]
    public void An_entry_is_hashed_over_its_canonical_json_as_spelled_out()
    {
        // The bytes docs/audit-bundle-format.md defines, typed out: members in canonical order, ids
        // lowercase and hyphenated, the type null while the stream has no event of its own.
        var entry = new StreamIndexEntry(
            Guid.Parse("0193A5B2-7C4D-7E8F-9A0B-1C2D3E4F5A6B"), "dataset", 7, 912,
            [new StreamReference(Guid.Parse("0193A5B2-0000-7000-8000-00000000000A"), "irb-protocol"), new StreamReference(Guid.Parse("0193A5B2-FFFF-7000-8000-0000000000FF"), "model")]);
        const string Spelled =
            """{"lastPosition":912,"lastVersion":7,"referencedBy":[{"stream":"0193a5b2-0000-7000-8000-00000000000a","type":"irb-protocol"},""" +
            """{"stream":"0193a5b2-ffff-7000-8000-0000000000ff","type":"model"}],"stream":"0193a5b2-7c4d-7e8f-9a0b-1c2d3e4f5a6b","type":"dataset"}""";
        var unnamed = new StreamIndexEntry(Guid.Parse("0193A5B2-7C4D-7E8F-9A0B-1C2D3E4F5A6B"), null, 0, 0, []);
        const string SpelledUnnamed = """{"lastPosition":0,"lastVersion":0,"referencedBy":[],"stream":"0193a5b2-7c4d-7e8f-9a0b-1c2d3e4f5a6b","type":null}""";

        foreach (var (e, spelled) in new[] { (entry, Spelled), (unnamed, SpelledUnnamed) })
        {
            Assert.Equal(spelled, Encoding.ASCII.GetString(e.ToCanonicalJson()));
            Assert.Equal(SHA256.HashData(Encoding.ASCII.GetBytes(spelled)), e.Hash());
        }
    }

    private delegate void WriteHash(Span<byte> destination);

    // The form that returns an array and the form that writes to a span both give the spelled-out hash.
    private static void BothFormsAre(byte[] expected, byte[] returned, WriteHash write)
    {
        var written = new byte[32];
        write(written);
        Assert.Equal(expected, returned);
        Assert.Equal(expected, written);
    }
}
