using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Provenance.Integrity.Canonicalization;

/// <summary>
/// The JSON Canonicalization Scheme of RFC 8785: one byte sequence for each JSON value, so a hash
/// or signature over it does not depend on member order, whitespace or escaping choices.
/// </summary>
/// <remarks>
/// Members are sorted by the UTF-16 code units of their names, nothing is indented, strings are
/// escaped only where JSON requires it, and numbers are read as IEEE-754 doubles and written as
/// ECMAScript writes them (so integers beyond 2^53 lose precision, as RFC 8785 specifies: carry
/// them as strings). Repeated member names, NaN, infinities and lone surrogates are rejected with
/// <see cref="JsonCanonicalizationException"/>.
/// </remarks>
public static class JsonCanonicalizer
{
    // Lone surrogates in a .NET string must fail, not turn into U+FFFD.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Canonicalizes one JSON text given as UTF-8 (without a byte order mark).</summary>
    /// <remarks>Comments, trailing commas and nesting deeper than 64 levels (System.Text.Json's default) are rejected.</remarks>
    /// <exception cref="JsonCanonicalizationException">The text is not one valid JSON value or has no canonical form.</exception>
    public static byte[] Canonicalize(ReadOnlySpan<byte> utf8Json)
    {
        var buffer = new ArrayBufferWriter<byte>(Math.Max(utf8Json.Length, 16));
        WriteCanonical(utf8Json, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Canonicalizes one JSON text.</summary>
    /// <exception cref="JsonCanonicalizationException">The text is not one valid JSON value or has no canonical form.</exception>
    public static byte[] Canonicalize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        byte[] utf8;
        try
        {
            utf8 = StrictUtf8.GetBytes(json);
        }
        catch (EncoderFallbackException e)
        {
            throw new JsonCanonicalizationException("The JSON text holds a lone surrogate, which is not valid Unicode.", e);
        }

        return Canonicalize(utf8);
    }

    /// <summary>Canonicalizes a parsed JSON value.</summary>
    /// <exception cref="JsonCanonicalizationException">The value has no canonical form.</exception>
    public static byte[] Canonicalize(JsonElement element)
    {
        var buffer = new ArrayBufferWriter<byte>();
        WriteCanonical(element, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Canonicalizes a JSON node tree (<see langword="null"/> is JSON null).</summary>
    /// <exception cref="JsonCanonicalizationException">The value has no canonical form.</exception>
    public static byte[] Canonicalize(JsonNode? node)
    {
        var buffer = new ArrayBufferWriter<byte>();
        WriteCanonical(node, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the canonical form of one UTF-8 JSON text to <paramref name="destination"/>.</summary>
    /// <remarks>On failure, part of the value may already have been written.</remarks>
    /// <exception cref="JsonCanonicalizationException">The text is not one valid JSON value or has no canonical form.</exception>
    public static void WriteCanonical(ReadOnlySpan<byte> utf8Json, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var output = destination as CanonicalOutput ?? CanonicalOutput.Rent();
        var start = output.Length;
        try
        {
            // Canonical input (an event line, for a verifier) needs no document: only an object to sort does.
            if (!CanonicalJsonWriter.TryWriteInOnePass(utf8Json, output))
            {
                output.Length = start;
                WriteParsed(utf8Json, output);
            }

            if (output != destination)
            {
                destination.Write(output.Written);
            }
        }
        catch (JsonException e)
        {
            throw new JsonCanonicalizationException($"The input is not a valid JSON text: {e.Message}", e);
        }
        finally
        {
            if (output != destination)
            {
                CanonicalOutput.Return(output);
            }
        }
    }

    // The document is parsed over a pooled copy of the input (#22: JsonDocument.ParseValue copied
    // every event envelope an export canonicalized into an array of its own). Parse takes one JSON
    // text and nothing after it but whitespace, comments refused.
    // It writes to the buffer already rented: a second rent on the same thread found the cache
    // empty and allocated a fresh buffer for every event.
    private static void WriteParsed(ReadOnlySpan<byte> utf8Json, CanonicalOutput destination)
    {
        var copy = ArrayPool<byte>.Shared.Rent(Math.Max(utf8Json.Length, 1));
        try
        {
            utf8Json.CopyTo(copy);
            using var document = JsonDocument.Parse(copy.AsMemory(0, utf8Json.Length), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Disallow });
            CanonicalJsonWriter.Write(document.RootElement, destination);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    /// <summary>Writes the canonical form of a parsed JSON value to <paramref name="destination"/>.</summary>
    /// <remarks>On failure, part of the value may already have been written.</remarks>
    /// <exception cref="JsonCanonicalizationException">The value has no canonical form.</exception>
    public static void WriteCanonical(JsonElement element, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        CanonicalJsonWriter.Write(element, destination);
    }

    /// <summary>Writes the canonical form of a JSON node tree to <paramref name="destination"/>.</summary>
    /// <remarks>On failure, part of the value may already have been written.</remarks>
    /// <exception cref="JsonCanonicalizationException">The value has no canonical form.</exception>
    public static void WriteCanonical(JsonNode? node, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        CanonicalJsonWriter.Write(node, destination);
    }

    /// <summary>
    /// Writes the canonical form of a parsed JSON value to a stream, for exports that write one
    /// record after another. The value is canonicalized in full before anything is written, so a
    /// value without a canonical form leaves the stream untouched.
    /// </summary>
    /// <exception cref="JsonCanonicalizationException">The value has no canonical form.</exception>
    public static async Task WriteCanonicalAsync(JsonElement element, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var buffer = new ArrayBufferWriter<byte>();
        CanonicalJsonWriter.Write(element, buffer);
        await destination.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
    }
}
