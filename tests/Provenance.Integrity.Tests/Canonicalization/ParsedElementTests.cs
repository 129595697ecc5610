using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Provenance.Integrity.Canonicalization;

namespace Provenance.Integrity.Tests.Canonicalization;

/// <summary>
/// The paths a verifier takes for every event line (#5), which read the text in one pass or copy
/// raw UTF-8 where it is already canonical: they must give exactly what decoding and writing again
/// gives.
/// </summary>
public sealed class ParsedElementTests
{
    private static string Canonical(byte[] utf8) => Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(utf8));

    private static string CanonicalElement(byte[] utf8)
    {
        using var document = JsonDocument.Parse(utf8);
        return Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(document.RootElement));
    }

    [Fact]
    public void Unescaped_names_are_sorted_by_utf16_code_units_like_escaped_ones()
    {
        // U+1F602 is D83D DE02 in UTF-16, before U+FB33, though its UTF-8 (F0 ..) sorts after U+FB33's (EF ..).
        var raw = Encoding.UTF8.GetBytes("{\"\ufb33\":1,\"\ud83d\ude02\":2,\"b\":3,\"\u00e9\":5,\"\\u0061\":6}");
        const string expected = "{\"a\":6,\"b\":3,\"\u00e9\":5,\"\ud83d\ude02\":2,\"\ufb33\":1}";

        Assert.Equal(expected, Canonical(raw));
        Assert.Equal(expected, CanonicalElement(raw));
    }

    [Fact]
    public void A_large_object_in_reverse_order_is_sorted()
    {
        var members = Enumerable.Range(0, 50_000).Reverse().Select(i => $"\"k{i:D6}\":{i}");
        var json = Encoding.UTF8.GetBytes("{" + string.Join(",", members) + "}");

        var canonical = Canonical(json);

        Assert.StartsWith("{\"k000000\":0,\"k000001\":1,", canonical, StringComparison.Ordinal);
        Assert.EndsWith("\"k049999\":49999}", canonical, StringComparison.Ordinal);
        Assert.Equal(canonical, CanonicalElement(json));
    }

    [Fact]
    public void An_object_out_of_order_inside_one_in_order_is_written_sorted()
    {
        var json = "{\"a\":{\"y\":[2,{\"q\":2,\"p\":1}],\"x\":1},\"b\":true}"u8.ToArray();

        Assert.Equal("{\"a\":{\"x\":1,\"y\":[2,{\"p\":1,\"q\":2}]},\"b\":true}", Canonical(json));
        Assert.Equal("{\"a\":{\"x\":1,\"y\":[2,{\"p\":1,\"q\":2}]},\"b\":true}", CanonicalElement(json));
    }

    [Fact]
    public void A_repeated_name_is_rejected_in_order_or_not()
    {
        Assert.Throws<JsonCanonicalizationException>(() => JsonCanonicalizer.Canonicalize("{\"a\":1,\"a\":2}"u8));
        Assert.Throws<JsonCanonicalizationException>(() => JsonCanonicalizer.Canonicalize("{\"b\":1,\"a\":2,\"b\":3}"u8));
        Assert.Throws<JsonCanonicalizationException>(() => JsonCanonicalizer.Canonicalize("{\"a\":1,\"\\u0061\":2}"u8));
    }

    [Theory]
    [InlineData(new byte[] { (byte)'"', 0xC3, 0x28, (byte)'"' })]
    [InlineData(new byte[] { (byte)'"', 0xED, 0xA0, 0x80, (byte)'"' })]
    [InlineData(new byte[] { (byte)'{', (byte)'"', 0xFF, (byte)'"', (byte)':', (byte)'1', (byte)'}' })]
    public void Invalid_utf8_in_a_string_or_a_name_is_rejected(byte[] json)
    {
        Assert.Throws<JsonCanonicalizationException>(() => JsonCanonicalizer.Canonicalize(json));
        using var document = JsonDocument.Parse(json);
        Assert.Throws<JsonCanonicalizationException>(() => JsonCanonicalizer.Canonicalize(document.RootElement));
    }

    [Theory]
    [InlineData("-0", "0")]
    [InlineData("123456789012345", "123456789012345")]
    [InlineData("-123456789012345", "-123456789012345")]
    [InlineData("1234567890123456", "1234567890123456")]
    [InlineData("12345678901234567", "12345678901234568")]
    [InlineData("10.0", "10")]
    public void Integers_copied_as_they_are_agree_with_ecmascript(string json, string expected)
    {
        Assert.Equal(expected, Canonical(Encoding.UTF8.GetBytes(json)));
        Assert.Equal(expected, CanonicalElement(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void Strings_with_escapes_are_decoded_and_written_again()
    {
        var json = "[\"a\\/b\",\"\\u00e9\",\"\\n\",\"\\u001F\"]"u8.ToArray();

        Assert.Equal("[\"a/b\",\"\u00e9\",\"\\n\",\"\\u001f\"]", Canonical(json));
        Assert.Equal("[\"a/b\",\"\u00e9\",\"\\n\",\"\\u001f\"]", CanonicalElement(json));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"a\":1} x")]
    [InlineData("{\"a\":1,}")]
    [InlineData("[1] [2]")]
    [InlineData("/* c */ 1")]
    public void Text_that_is_not_one_json_value_is_rejected(string json)
    {
        Assert.Throws<JsonCanonicalizationException>(() => JsonCanonicalizer.Canonicalize(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void The_text_the_element_and_the_node_paths_agree_on_random_json()
    {
        var random = new Random(8785);
        for (var i = 0; i < 2_000; i++)
        {
            var json = Encoding.UTF8.GetBytes(RandomJson(random, depth: 0));
            using var document = JsonDocument.Parse(json);

            var fromText = JsonCanonicalizer.Canonicalize(json);

            Assert.Equal(Encoding.UTF8.GetString(fromText), Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(document.RootElement)));
            Assert.Equal(Encoding.UTF8.GetString(fromText), Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(JsonNode.Parse(json))));
            Assert.Equal(fromText, JsonCanonicalizer.Canonicalize(fromText));
        }
    }

    /// <summary>JSON with what canonicalization changes: member order, whitespace, escapes, number spellings, non-ASCII names.</summary>
    private static string RandomJson(Random random, int depth)
    {
        string[] names = ["a", "b", "B", "id", "\\u0041z", "\u00e9", "\ufb33", "\ud83d\ude02", "data", "\\\"q", "x y"];
        string[] strings = ["plain", "caf\u00e9", "\\u00e9", "a\\/b", "\\n\\t", "\\u001f", "\u2028", "\\ud83d\\ude02", "quote \\\" and \\\\"];
        string[] numbers = ["0", "-0", "1", "-17", "123456789012345", "1234567890123456789", "1.5", "1.50", "1e2", "1E-7", "0.000001", "1e21", "-2.5e-3"];
        var space = random.Next(4) == 0 ? " " : "";
        switch (depth < 4 ? random.Next(7) : 2 + random.Next(5))
        {
            case 0:
                var members = Enumerable.Range(0, random.Next(5)).Select(_ => names[random.Next(names.Length)]).Distinct()
                    .Select(n => $"\"{n}\"{space}:{space}{RandomJson(random, depth + 1)}");
                return "{" + space + string.Join("," + space, members) + space + "}";
            case 1:
                return "[" + string.Join("," + space, Enumerable.Range(0, random.Next(4)).Select(_ => RandomJson(random, depth + 1))) + "]";
            case 2:
            case 3:
                return $"\"{strings[random.Next(strings.Length)]}\"";
            case 4:
                return numbers[random.Next(numbers.Length)];
            case 5:
                return random.Next(2) == 0 ? "true" : "false";
            default:
                return "null";
        }
    }

    [Fact]
    public void Writing_a_parsed_element_appends_to_what_the_destination_holds()
    {
        var destination = new ArrayBufferWriter<byte>();
        destination.Write("prefix:"u8);
        using var document = JsonDocument.Parse("{\"b\":1,\"a\":2}");

        JsonCanonicalizer.WriteCanonical(document.RootElement, destination);
        JsonCanonicalizer.WriteCanonical("[3, 4]"u8, destination);

        Assert.Equal("prefix:{\"a\":2,\"b\":1}[3,4]", Encoding.UTF8.GetString(destination.WrittenSpan));
    }
}
