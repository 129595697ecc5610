using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Provenance.Integrity.Bundles;
using Provenance.Integrity.Canonicalization;

namespace Provenance.Integrity.Tests.Canonicalization;

/// <summary>
/// The one-pass canonical check (#22) may say "not shown canonical" of canonical text, but must
/// never say canonical of text the canonicalizer would write differently. Each case is held to
/// the canonicalizer itself, and the envelope reader's fast path to its full reading.
/// </summary>
public sealed class CanonicalJsonCheckerTests
{
    private const string Envelope =
        """{"data":{"datasetId":"c7aeefce-388b-46df-af7c-229765556fe7","expert":{"big":1e+21,"conditions":["no linkage","ünïcode ✓ 😀"],"count":106959,"riskEstimate":0.02,"riskThreshold":5e-7},"no":false,"note":"line\nbreak \"quoted\" \\ \u001f","ok":true,"safeHarbor":null},"id":"01a2420c-aef1-7fdd-9778-1aac912fe0a5","metadata":{"actorId":"scenario-generator","actorRole":"admin","causationId":null},"position":7,"recordedAt":"2026-12-04T17:14:17.440157Z","schemaVersion":1,"stream":"c7aeefce-388b-46df-af7c-229765556fe7","type":"deidentification.decided","version":3}""";

    public static TheoryData<string> CanonicalTexts() =>
    [
        "{}", "[]", "\"\"", "0", "-1", "123456789012345", "-123456789012345", "true", "false", "null",
        "0.02", "5e-7", "1e+21", "1.5", "-0.1", "123456789012345680000", "1234567890123456",
        "{\"a\":1,\"b\":[1,2,{\"c\":null}]}",
        "\"\\\"\\\\\\b\\f\\n\\r\\t\\u0000\\u001f\\u007f\"".Replace("\\u007f", "\u007f", StringComparison.Ordinal),
        "{\"\u00e9\":1,\"\ue000\":2}",
        // UTF-16 order: a character above U+FFFF (surrogates, 0xD8..) sorts before U+E000.
        "{\"\U0001F600\":1,\"\ue000\":2}",
        "{\"a\":\"\u2028 \U0001F600 caf\u00e9\"}",
    ];

    public static TheoryData<string> TextsNotCanonical() =>
    [
        "", " {}", "{} ", "{ }", "{\"a\": 1}", "[1, 2]", "{\"b\":1,\"a\":2}", "{\"a\":1,\"a\":1}",
        "\"\\/\"", "\"\\u0041\"", "\"\\u001F\"", "\"\\u000a\"", "\"\\u0008\"", "\"\\u00e9\"", "\"\u0001\"",
        "1.0", "1e2", "1E2", "1e+2", "-0", "-0.0", "0.0", "01", "-01", ".5", "1.", "+1", "1e", "1e400", "0.020",
        "12345678901234567", "9007199254740993", "tru", "nul", "nulll", "[1,]", "{\"a\":1,}", "{\"a\"}", "{\"a\":}", "[", "\"abc",
        "{\"\ue000\":2,\"\U0001F600\":1}",
    ];

    [Theory]
    [MemberData(nameof(CanonicalTexts))]
    public void Canonical_text_is_shown_canonical(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        Assert.Equal(bytes, JsonCanonicalizer.Canonicalize(bytes));

        Assert.True(CanonicalJsonChecker.IsCanonical(bytes));
    }

    [Theory]
    [MemberData(nameof(TextsNotCanonical))]
    public void Text_that_is_not_canonical_is_not_shown_canonical(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);

        Assert.False(CanonicalJsonChecker.IsCanonical(bytes));
        Assert.False(CanonicalizesToItself(bytes));
    }

    [Fact]
    public void Invalid_utf8_and_encoded_surrogates_are_not_canonical()
    {
        byte[][] texts =
        [
            [(byte)'"', 0xC3, 0x28, (byte)'"'],
            [(byte)'"', 0xED, 0xA0, 0x80, (byte)'"'],
            [(byte)'{', (byte)'"', 0xFF, (byte)'"', (byte)':', (byte)'1', (byte)'}'],
        ];
        foreach (var text in texts)
        {
            Assert.False(CanonicalJsonChecker.IsCanonical(text));
            Assert.False(CanonicalizesToItself(text));
        }
    }

    [Fact]
    public void Nesting_past_its_depth_is_left_to_the_canonicalizer()
    {
        var shallow = Encoding.UTF8.GetBytes(new string('[', 32) + new string(']', 32));
        var deep = Encoding.UTF8.GetBytes(new string('[', 33) + new string(']', 33));

        Assert.True(CanonicalJsonChecker.IsCanonical(shallow));
        Assert.True(CanonicalizesToItself(deep));
        Assert.False(CanonicalJsonChecker.IsCanonical(deep));
    }

    [Theory]
    [MemberData(nameof(Rfc8785VectorTests.Vectors), MemberType = typeof(Rfc8785VectorTests))]
    public void The_rfc8785_outputs_are_canonical_and_their_inputs_are_not_unless_equal(string vector)
    {
        var input = File.ReadAllBytes(ConformanceVectors.PathOf("rfc8785-jcs", "input", vector));
        var output = File.ReadAllBytes(ConformanceVectors.PathOf("rfc8785-jcs", "output", vector));

        Assert.Equal(input.AsSpan().SequenceEqual(output), CanonicalJsonChecker.IsCanonical(input));
        // An escaped name is sorted by its decoded text, which the check leaves to the canonicalizer.
        using var document = JsonDocument.Parse(output);
        Assert.Equal(!HasEscapedName(document.RootElement), CanonicalJsonChecker.IsCanonical(output));
    }

    private static bool HasEscapedName(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().Any(p => JsonMarshal.GetRawUtf8PropertyName(p).Contains((byte)'\\') || HasEscapedName(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().Any(HasEscapedName),
        _ => false,
    };

    [Fact]
    public void The_top_level_members_are_where_the_text_has_them()
    {
        var bytes = Encoding.UTF8.GetBytes(Envelope);
        var members = new JsonMemberSpan[9];

        Assert.True(CanonicalJsonChecker.IsCanonical(bytes, members, out var count));

        Assert.Equal(9, count);
        var names = members.Select(m => Encoding.UTF8.GetString(bytes, m.NameStart, m.NameLength)).ToArray();
        Assert.Equal(["data", "id", "metadata", "position", "recordedAt", "schemaVersion", "stream", "type", "version"], names);
        Assert.Equal("\"01a2420c-aef1-7fdd-9778-1aac912fe0a5\"", Encoding.UTF8.GetString(bytes, members[1].ValueStart, members[1].ValueLength));
        Assert.Equal("3", Encoding.UTF8.GetString(bytes, members[8].ValueStart, members[8].ValueLength));
        // Fewer places than members: not checked here.
        Assert.False(CanonicalJsonChecker.IsCanonical(bytes, new JsonMemberSpan[8], out _));
    }

    [Fact]
    public void A_mutated_text_is_shown_canonical_only_when_it_canonicalizes_to_itself()
    {
        var random = new Random(20261204);
        var original = Encoding.UTF8.GetBytes(Envelope);
        var shownCanonical = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var text = Mutate(original, random);
            if (CanonicalJsonChecker.IsCanonical(text))
            {
                shownCanonical++;
                Assert.True(CanonicalizesToItself(text), Encoding.UTF8.GetString(text));
            }
        }

        // Enough mutations stay canonical (a digit or a letter changed) for the implication to be tested.
        Assert.InRange(shownCanonical, 1_000, 19_000);
    }

    [Fact]
    public void The_envelope_reader_answers_as_its_full_reading_does()
    {
        var random = new Random(4);
        var original = Encoding.UTF8.GetBytes(Envelope);
        var (fast, full) = (new EnvelopeReader(), new EnvelopeReader());
        var fastPath = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var text = i == 0 ? original : Mutate(original, random);
            var problem = fast.Read(text, out var envelope, out var hasMembers);
            var expected = full.ReadFully(text, out var expectedEnvelope, out var expectedHasMembers);

            Assert.Equal(expected, problem);
            Assert.Equal(expectedHasMembers, hasMembers);
            Assert.Equal(expectedEnvelope, envelope);
            fastPath += CanonicalJsonChecker.IsCanonical(text) ? 1 : 0;
        }

        Assert.InRange(fastPath, 1_000, 19_000);
    }

    [Fact]
    public void An_envelope_reads_its_members_in_one_pass()
    {
        var reader = new EnvelopeReader();

        Assert.Null(reader.Read(Encoding.UTF8.GetBytes(Envelope), out var envelope, out var hasMembers));

        Assert.True(hasMembers);
        Assert.Equal(
            new Envelope(7, Guid.Parse("01a2420c-aef1-7fdd-9778-1aac912fe0a5"), Guid.Parse("c7aeefce-388b-46df-af7c-229765556fe7"), 3, "deidentification.decided",
                new DateTimeOffset(2026, 12, 4, 17, 14, 17, TimeSpan.Zero).AddTicks(4_401_570)),
            envelope);
    }

    private static bool CanonicalizesToItself(byte[] text)
    {
        try
        {
            return JsonCanonicalizer.Canonicalize(text).AsSpan().SequenceEqual(text);
        }
        catch (JsonCanonicalizationException)
        {
            return false;
        }
    }

    // Bytes a mutation inserts or writes: JSON's structure, escapes, digits, letters, spaces and UTF-8 pieces.
    private static readonly byte[] Alphabet = Encoding.UTF8.GetBytes("{}[]:,\"\\/ ubfnrt0123456789-+.eEaAxz\u00e9\n\t").Concat(new byte[] { 0x80, 0xC3, 0xED, 0xF0, 0x01, 0x1F }).ToArray();

    private static byte[] Mutate(byte[] original, Random random)
    {
        var text = original.ToList();
        var edits = random.Next(1, 3);
        for (var e = 0; e < edits; e++)
        {
            var at = random.Next(text.Count);
            switch (random.Next(4))
            {
                case 0:
                    text.RemoveAt(at);
                    break;
                case 1:
                    text.Insert(at, Alphabet[random.Next(Alphabet.Length)]);
                    break;
                case 2:
                    text[at] = Alphabet[random.Next(Alphabet.Length)];
                    break;
                default:
                    // Swap two neighbours: names and digits out of order.
                    if (at + 1 < text.Count)
                    {
                        (text[at], text[at + 1]) = (text[at + 1], text[at]);
                    }

                    break;
            }
        }

        return [.. text];
    }
}
