using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Provenance.Integrity.Canonicalization;

namespace Provenance.Integrity.Tests.Canonicalization;

public sealed class JsonCanonicalizerTests
{
    private static string Canonical(string json) => Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(json));

    private static string Canonical(JsonNode? node) => Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(node));

    [Theory]
    [InlineData("1e21", "1e+21")]
    [InlineData("1e20", "100000000000000000000")]
    [InlineData("123456789012345678901", "123456789012345680000")]
    [InlineData("1e-7", "1e-7")]
    [InlineData("1.5e-7", "1.5e-7")]
    [InlineData("-1.5E-7", "-1.5e-7")]
    [InlineData("0.000001", "0.000001")]
    [InlineData("0.0000012345", "0.0000012345")]
    [InlineData("-0", "0")]
    [InlineData("-0.0e10", "0")]
    [InlineData("0.30000000000000004", "0.30000000000000004")]
    [InlineData("9007199254740993", "9007199254740992")]
    [InlineData("9007199254740991", "9007199254740991")]
    [InlineData("4.50", "4.5")]
    [InlineData("1E2", "100")]
    [InlineData("1E+30", "1e+30")]
    [InlineData("2e-3", "0.002")]
    [InlineData("333333333.33333329", "333333333.3333333")]
    [InlineData("5e-324", "5e-324")]
    [InlineData("1.7976931348623157e308", "1.7976931348623157e+308")]
    [InlineData("-1.7976931348623157e308", "-1.7976931348623157e+308")]
    [InlineData("123.456", "123.456")]
    [InlineData("0.1", "0.1")]
    public void Numbers_are_written_as_ecmascript_writes_them(string json, string expected)
    {
        Assert.Equal(expected, Canonical(json));
    }

    [Fact]
    public void A_computed_double_is_written_with_its_shortest_round_trip_digits()
    {
        Assert.Equal("[0.30000000000000004,0,1e+21]", Canonical(new JsonArray(0.1 + 0.2, -0.0, 1e21)));
    }

    [Fact]
    public void Members_are_sorted_by_utf16_code_units_not_by_code_point_or_culture()
    {
        // U+1F602 is stored as D83D DE02, which sorts before U+FB33 by code unit (but after it by code point).
        var canonical = Canonical("{\"\\ufb33\":1,\"\\ud83d\\ude02\":2,\"b\":3,\"B\":4,\"\\u00e9\":5,\"e\":6}");

        Assert.Equal("{\"B\":4,\"b\":3,\"e\":6,\"\u00e9\":5,\"\ud83d\ude02\":2,\"\ufb33\":1}", canonical);
    }

    [Fact]
    public void Strings_use_only_the_rfc8785_escapes()
    {
        var canonical = Canonical("\"\\u0000\\u0008\\t\\n\\u000b\\f\\r\\u001F\\\"\\\\\\/\\u007f\\u2028\\u00e9<>&'\"");

        Assert.Equal("\"\\u0000\\b\\t\\n\\u000b\\f\\r\\u001f\\\"\\\\/\u007f\u2028\u00e9<>&'\"", canonical);
    }

    [Fact]
    public void Whitespace_between_tokens_is_removed()
    {
        Assert.Equal("{\"a\":[1,true,null,{}],\"b\":\"x y\"}", Canonical(" {\r\n\t\"b\" : \"x y\" ,\n \"a\" : [ 1 , true , null , { } ] } "));
    }

    [Theory]
    [InlineData("{\"a\":1,\"a\":2}")]
    [InlineData("{\"a\":1,\"b\":{\"c\":1,\"c\":1}}")]
    [InlineData("[{\"\\u0061\":1,\"a\":2}]")]
    public void Duplicate_member_names_are_rejected(string json)
    {
        var error = Assert.Throws<JsonCanonicalizationException>(() => JsonCanonicalizer.Canonicalize(json));

        Assert.Contains("more than once", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"\\ufb33\":1,\"\\ud83d\\ude02\":2,\"b\":3,\"B\":4,\"\\u00e9\":5,\"e\":6}")]
    [InlineData("{\"\u00e9\":1,\"z\":{\"\\u0062\":[{\"y\":1,\"x\":2}],\"a\":null},\"\ud83d\ude02\":{\"b\":1,\"a\":2},\"\ufb33\":3}")]
    [InlineData("{\"aa\":1,\"a\":2,\"\":3,\"ab\":{\"k\\n\":1,\"k\":2}}")]
    [InlineData("[{\"b\":{\"d\":1,\"c\":2},\"a\":[]},{}]")]
    public void A_parsed_element_and_its_text_have_the_same_canonical_form_whether_or_not_names_are_escaped(string json)
    {
        using var document = JsonDocument.Parse(json);

        Assert.Equal(Canonical(json), Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(document.RootElement)));
    }

    [Theory]
    [InlineData("{\"a\":1,\"b\":2,\"a\":1}")]
    [InlineData("{\"\\u0061\":1,\"a\":1}")]
    [InlineData("{\"x\":{\"\u00e9\":1,\"\\u00e9\":2}}")]
    public void Duplicate_member_names_in_a_parsed_element_are_rejected_whether_or_not_they_are_escaped(string json)
    {
        using var document = JsonDocument.Parse(json);

        var error = Assert.Throws<JsonCanonicalizationException>(() => JsonCanonicalizer.Canonicalize(document.RootElement));

        Assert.Contains("more than once", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_member_names_in_a_parsed_element_are_rejected()
    {
        using var document = JsonDocument.Parse("{\"a\":1,\"a\":1}");

        Assert.Throws<JsonCanonicalizationException>(() => JsonCanonicalizer.Canonicalize(document.RootElement));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Nan_and_infinities_in_a_node_are_rejected(double value)
    {
        var error = Assert.Throws<JsonCanonicalizationException>(() => JsonCanonicalizer.Canonicalize(new JsonObject { ["x"] = value }));

        Assert.Contains("finite", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_single_precision_nan_in_a_node_is_rejected()
    {
        Assert.Throws<JsonCanonicalizationException>(() => JsonCanonicalizer.Canonicalize(JsonValue.Create(float.NaN)));
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("1e400")]
    [InlineData("-1e400")]
    public void Numbers_outside_the_finite_doubles_are_rejected(string json)
    {
        Assert.Throws<JsonCanonicalizationException>(() => JsonCanonicalizer.Canonicalize(json));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{\"a\":1,}")]
    [InlineData("[1] [2]")]
    [InlineData("1 x")]
    [InlineData("// comment\n1")]
    [InlineData("'a'")]
    [InlineData("\"\\ud800\"")]
    [InlineData("{\"\\udc00\":1}")]
    public void Input_that_is_not_one_valid_json_text_is_rejected(string json)
    {
        Assert.Throws<JsonCanonicalizationException>(() => JsonCanonicalizer.Canonicalize(json));
    }

    [Fact]
    public void A_lone_surrogate_in_a_node_is_rejected()
    {
        Assert.Throws<JsonCanonicalizationException>(() => JsonCanonicalizer.Canonicalize(new JsonObject { ["\ud800"] = 1 }));
        Assert.Throws<JsonCanonicalizationException>(() => JsonCanonicalizer.Canonicalize(JsonValue.Create("a\udc00")));
    }

    [Fact]
    public void Node_values_of_any_dotnet_type_take_their_json_form()
    {
        var node = new JsonObject
        {
            ["long"] = 9007199254740993L,
            ["decimal"] = 4.50m,
            ["text"] = "é",
            ["flag"] = true,
            ["none"] = null,
        };

        Assert.Equal("{\"decimal\":4.5,\"flag\":true,\"long\":9007199254740992,\"none\":null,\"text\":\"é\"}", Canonical(node));
    }

    [Fact]
    public void A_buffer_writer_receives_the_canonical_bytes_of_each_record_in_turn()
    {
        var buffer = new ArrayBufferWriter<byte>();

        JsonCanonicalizer.WriteCanonical("{\"b\":1,\"a\":2}"u8, buffer);
        JsonCanonicalizer.WriteCanonical(JsonNode.Parse("[3, 4]"), buffer);

        Assert.Equal("{\"a\":2,\"b\":1}[3,4]", Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public async Task A_stream_receives_the_canonical_bytes()
    {
        using var document = JsonDocument.Parse("{ \"z\": [1.0, 2e0], \"a\": \"\\u00e9\" }");
        using var stream = new MemoryStream();

        await JsonCanonicalizer.WriteCanonicalAsync(document.RootElement, stream);

        Assert.Equal("{\"a\":\"é\",\"z\":[1,2]}", Encoding.UTF8.GetString(stream.ToArray()));
    }

    [Fact]
    public async Task A_value_without_a_canonical_form_leaves_the_stream_untouched()
    {
        using var document = JsonDocument.Parse("[1, {\"a\":1,\"a\":2}]");
        using var stream = new MemoryStream();

        await Assert.ThrowsAsync<JsonCanonicalizationException>(() => JsonCanonicalizer.WriteCanonicalAsync(document.RootElement, stream));

        Assert.Equal(0, stream.Length);
    }
}
