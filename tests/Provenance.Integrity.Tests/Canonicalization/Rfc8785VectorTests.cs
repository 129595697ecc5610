using System.Text.Json;
using System.Text.Json.Nodes;
using Provenance.Integrity.Canonicalization;

namespace Provenance.Integrity.Tests.Canonicalization;

/// <summary>RFC 8785 conformance: each <c>rfc8785-jcs/input/X.json</c> canonicalizes to the bytes of <c>output/X.json</c>.</summary>
public sealed class Rfc8785VectorTests
{
    public static TheoryData<string> Vectors() => ConformanceVectors.FilesUnder("rfc8785-jcs/input");

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Json_text_canonicalizes_to_the_expected_bytes(string vector)
    {
        var (input, expected) = Read(vector);

        Assert.Equal(expected, JsonCanonicalizer.Canonicalize(input));
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void A_parsed_element_and_a_node_canonicalize_to_the_same_bytes(string vector)
    {
        var (input, expected) = Read(vector);
        using var document = JsonDocument.Parse(input);

        Assert.Equal(expected, JsonCanonicalizer.Canonicalize(document.RootElement));
        Assert.Equal(expected, JsonCanonicalizer.Canonicalize(JsonNode.Parse(input)));
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void The_canonical_form_is_a_fixed_point(string vector)
    {
        var (_, expected) = Read(vector);

        Assert.Equal(expected, JsonCanonicalizer.Canonicalize(expected));
    }

    private static (byte[] Input, byte[] Expected) Read(string vector) =>
        (File.ReadAllBytes(ConformanceVectors.PathOf("rfc8785-jcs", "input", vector)),
         File.ReadAllBytes(ConformanceVectors.PathOf("rfc8785-jcs", "output", vector)));
}
