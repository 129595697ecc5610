using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Provenance.Integrity.Canonicalization;
using Provenance.Integrity.Merkle;

namespace Provenance.EventStore.Integrity;

/// <summary>
/// The canonical envelope of a logged event: the bytes the log's Merkle tree commits to, and the
/// bytes an export writes, one event per line. It is the RFC 8785 (JCS) canonical form of
/// <code>
/// {"position": p, "id": "&lt;event uuid&gt;", "stream": "&lt;stream uuid&gt;", "version": v,
///  "type": "&lt;wire name&gt;", "schemaVersion": n, "data": {...}, "metadata": {...},
///  "recordedAt": "yyyy-MM-ddTHH:mm:ss.ffffffZ"}
/// </code>
/// with the UUIDs in lowercase hyphenated form, <c>data</c> and <c>metadata</c> as stored (not
/// upcast), and <c>recordedAt</c> in UTC with exactly six fraction digits. The event at position p
/// is leaf p - 1 of the tree, and its leaf hash is <see cref="MerkleTree.LeafHash"/> of these bytes.
/// </summary>
/// <remarks>
/// This format is frozen: a change to it changes every leaf hash, so every signed checkpoint
/// would stop verifying. docs/integrity.md describes it for verifiers.
/// </remarks>
public static class EventEnvelope
{
    /// <summary>The format of <c>recordedAt</c>: UTC, microseconds, <c>Z</c>.</summary>
    public const string RecordedAtFormat = "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'ffffff'Z'";

    // Per thread, reused: building an envelope allocated about 15 KB of buffers per event (#7), which
    // the Merkle integrator and every export paid a million times over.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_envelope;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_canonical;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>The canonical envelope bytes of <paramref name="rawEvent"/> (UTF-8, no trailing newline).</summary>
    /// <exception cref="JsonCanonicalizationException">The stored data or metadata has no canonical form.</exception>
    public static byte[] ToCanonicalBytes(RawEvent rawEvent) => Canonical(rawEvent).ToArray();

    /// <summary>Writes the canonical envelope bytes of <paramref name="rawEvent"/> to <paramref name="destination"/>.</summary>
    /// <remarks>On failure, nothing has been written.</remarks>
    /// <exception cref="JsonCanonicalizationException">The stored data or metadata has no canonical form.</exception>
    public static void WriteCanonical(RawEvent rawEvent, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        destination.Write(Canonical(rawEvent));
    }

    /// <summary>The event's leaf hash: <see cref="MerkleTree.LeafHash"/> of its canonical envelope.</summary>
    /// <exception cref="JsonCanonicalizationException">The stored data or metadata has no canonical form.</exception>
    public static byte[] LeafHash(RawEvent rawEvent) => MerkleTree.LeafHash(Canonical(rawEvent));

    /// <summary>The canonical envelope in this thread's buffer, valid until the thread's next call.</summary>
    private static ReadOnlySpan<byte> Canonical(RawEvent rawEvent)
    {
        ArgumentNullException.ThrowIfNull(rawEvent);
        var envelope = t_envelope ??= new ArrayBufferWriter<byte>(4096);
        envelope.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(envelope);
        writer.Reset(envelope);
        writer.WriteStartObject();
        writer.WriteNumber("position", rawEvent.Position);
        // Formatted on the stack: an export builds a million envelopes.
        Span<char> text = stackalloc char[36];
        rawEvent.EventId.TryFormat(text, out _, "D");
        writer.WriteString("id", text);
        rawEvent.StreamId.TryFormat(text, out _, "D");
        writer.WriteString("stream", text);
        writer.WriteNumber("version", rawEvent.StreamVersion);
        writer.WriteString("type", rawEvent.Type);
        writer.WriteNumber("schemaVersion", rawEvent.SchemaVersion);
        // Validated (and rejected when invalid) by the canonicalizer, which parses the whole envelope.
        writer.WritePropertyName("data");
        writer.WriteRawValue(rawEvent.DataUtf8.Span, skipInputValidation: true);
        writer.WritePropertyName("metadata");
        writer.WriteRawValue(rawEvent.MetadataUtf8.Span, skipInputValidation: true);
        Span<char> recordedAt = stackalloc char[32];
        rawEvent.RecordedAt.UtcDateTime.TryFormat(recordedAt, out var length, RecordedAtFormat, CultureInfo.InvariantCulture);
        writer.WriteString("recordedAt", recordedAt[..length]);
        writer.WriteEndObject();
        writer.Flush();

        // Canonicalized whole into a buffer first, so a failure leaves the caller's destination untouched.
        var canonical = t_canonical ??= new ArrayBufferWriter<byte>(4096);
        canonical.ResetWrittenCount();
        JsonCanonicalizer.WriteCanonical(envelope.WrittenSpan, canonical);
        return canonical.WrittenSpan;
    }

    /// <summary>The leaf index of the event at <paramref name="position"/> (positions start at 1, leaves at 0).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The position is below 1.</exception>
    public static ulong LeafIndex(long position)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(position);
        return (ulong)(position - 1);
    }

    /// <summary><paramref name="recordedAt"/> as the envelope writes it: UTC, six fraction digits, e.g. <c>2026-11-21T23:02:39.661770Z</c>.</summary>
    public static string FormatRecordedAt(DateTimeOffset recordedAt) =>
        recordedAt.UtcDateTime.ToString(RecordedAtFormat, CultureInfo.InvariantCulture);
}
