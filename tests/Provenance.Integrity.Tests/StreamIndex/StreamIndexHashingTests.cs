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

        Assert.Equal(expected, StreamIndexHashing.Key(id));
        var written = new byte[32];
        StreamIndexHashing.Key(id, written);
        Assert.Equal(expected, written);
    }

    [Fact]
    public void A_leaf_is_prefixed_0x02_and_both_forms_agree()
    {
        var expected = Spelled(0x02, First, Second);

        Assert.Equal(expected, StreamIndexHashing.Leaf(First, Second));
        var written = new byte[32];
        StreamIndexHashing.Leaf(First, Second, written);
        Assert.Equal(expected, written);
    }

    [Fact]
    public void A_node_is_prefixed_0x03_and_both_forms_agree()
    {
        var expected = Spelled(0x03, First, Second);

        Assert.Equal(expected, StreamIndexHashing.Node(First, Second));
        var written = new byte[32];
        StreamIndexHashing.Node(First, Second, written);
        Assert.Equal(expected, written);
        Assert.NotEqual(expected, StreamIndexHashing.Node(Second, First));
    }
}
