using Provenance.Integrity.Checkpoints;

namespace Provenance.Integrity.Tests.Checkpoints;

public sealed class CheckpointTests
{
    private const string Root = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";

    [Fact]
    public void The_body_is_origin_size_and_base64_root_each_on_a_line()
    {
        var checkpoint = new Checkpoint("example.com/behind-the-sofa", 20852163, Convert.FromBase64String(Root));

        Assert.Equal($"example.com/behind-the-sofa\n20852163\n{Root}\n", checkpoint.ToNoteText());
    }

    [Fact]
    public void Extension_lines_follow_the_root_and_survive_a_round_trip()
    {
        var checkpoint = new Checkpoint("log", 0, Convert.FromBase64String(Root), ["Timestamp: 1", "x"]);

        var parsed = Checkpoint.Parse(checkpoint.ToNoteText());

        Assert.Equal($"log\n0\n{Root}\nTimestamp: 1\nx\n", checkpoint.ToNoteText());
        Assert.Equal(["Timestamp: 1", "x"], parsed.ExtensionLines);
        Assert.Equal(0UL, parsed.TreeSize);
        Assert.Equal(Convert.FromBase64String(Root), parsed.RootHash.ToArray());
    }

    [Theory]
    [InlineData("007")]
    [InlineData("00")]
    [InlineData("+7")]
    [InlineData("-1")]
    [InlineData(" 7")]
    [InlineData("7 ")]
    [InlineData("7.0")]
    [InlineData("1e3")]
    [InlineData("0x10")]
    [InlineData("18446744073709551616")]
    [InlineData("\u0661")]
    public void A_tree_size_that_is_not_a_canonical_decimal_is_rejected(string size)
    {
        Assert.Throws<FormatException>(() => Checkpoint.Parse($"log\n{size}\n{Root}\n"));
    }

    [Fact]
    public void The_largest_tree_size_parses()
    {
        Assert.Equal(ulong.MaxValue, Checkpoint.Parse($"log\n18446744073709551615\n{Root}\n").TreeSize);
    }

    [Theory]
    [InlineData("")]
    [InlineData("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxqw==")]
    [InlineData("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2IA")]
    [InlineData("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=")]
    [InlineData("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I")]
    [InlineData("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jx q2I=")]
    [InlineData("CsUYapGGPo4dkMgIAUqom_Xajj7h2fB2MPA3j2jxq2I=")]
    public void A_root_hash_that_is_not_canonical_base64_of_32_bytes_is_rejected(string root)
    {
        Assert.Throws<FormatException>(() => Checkpoint.Parse($"log\n1\n{root}\n"));
    }

    [Theory]
    [InlineData("log\n1\n" + Root)]
    [InlineData("log\n1\n")]
    [InlineData("\n1\n" + Root + "\n")]
    [InlineData("log\n1\n" + Root + "\n\n")]
    [InlineData("log\n1\n" + Root + "\n\nx\n")]
    [InlineData("log\r\n1\n" + Root + "\n")]
    [InlineData("log\t\n1\n" + Root + "\n")]
    public void A_body_with_missing_empty_or_control_lines_is_rejected(string text)
    {
        Assert.Throws<FormatException>(() => Checkpoint.Parse(text));
    }

    [Fact]
    public void A_checkpoint_that_could_not_be_written_as_lines_cannot_be_created()
    {
        var root = Convert.FromBase64String(Root);

        Assert.Throws<ArgumentException>(() => new Checkpoint("", 1, root));
        Assert.Throws<ArgumentException>(() => new Checkpoint("a\nb", 1, root));
        Assert.Throws<ArgumentException>(() => new Checkpoint("log", 1, root.AsSpan(0, 31)));
        Assert.Throws<ArgumentException>(() => new Checkpoint("log", 1, root, [""]));
        Assert.Throws<ArgumentException>(() => new Checkpoint("log", 1, root, ["\ud800"]));
    }
}
