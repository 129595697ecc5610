using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Provenance.Integrity.Canonicalization;

namespace Provenance.Integrity.Bundles;

/// <summary>The members of a canonical envelope that a bundle's checks use.</summary>
internal readonly record struct Envelope(long Position, Guid Id, Guid Stream, long Version, string Type, DateTimeOffset RecordedAt);

/// <summary>
/// Reads one line of <c>events.ndjson</c>: checks that it is an event envelope (the nine members
/// of the format, with their types) and that it is already canonical. A usual line takes one pass
/// over its bytes that writes nothing (<see cref="CanonicalJsonChecker"/>, #22); any other is read
/// with a JSON reader and canonicalized again to compare the bytes and say what is wrong, without
/// a document (#5: a verifier reads a million lines). One reader per thread: it reuses its buffers.
/// </summary>
internal sealed class EnvelopeReader
{
    private const int MembersOfAnEnvelope = 9;
    private const int UuidLength = 36;
    private const int InstantLength = 27;

    private readonly CanonicalOutput _canonical = new();
    private readonly List<(byte[] Utf8, string Text)> _typeNames = [];

    /// <summary>Reads an envelope line (without its LF).</summary>
    /// <param name="line">The line.</param>
    /// <param name="envelope">Its members, when <paramref name="hasMembers"/>.</param>
    /// <param name="hasMembers">Whether the line is an envelope whose members could be read (it may still not be canonical).</param>
    /// <returns><see langword="null"/> for a canonical envelope; otherwise what is wrong with the line.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public string? Read(ReadOnlySpan<byte> line, out Envelope envelope, out bool hasMembers)
    {
        // The usual line, canonical and an envelope, in one pass that writes nothing (#22).
        Span<JsonMemberSpan> members = stackalloc JsonMemberSpan[MembersOfAnEnvelope];
        if (CanonicalJsonChecker.IsCanonical(line, members, out var count) && count == MembersOfAnEnvelope && TryReadCanonicalMembers(line, members, out envelope))
        {
            hasMembers = true;
            return null;
        }

        // Anything else is read in full, which also says what is wrong with it.
        return ReadFully(line, out envelope, out hasMembers);
    }

    /// <summary>
    /// Reads a line with a JSON reader, then canonicalizes it again and compares: what <see cref="Read"/>
    /// does with any line its one pass does not show canonical, and what its answers are tested against.
    /// </summary>
    internal string? ReadFully(ReadOnlySpan<byte> line, out Envelope envelope, out bool hasMembers)
    {
        hasMembers = false;
        string? problem;
        try
        {
            problem = ReadMembers(line, out envelope);
        }
        catch (JsonException e)
        {
            envelope = default;
            return $"the line is not JSON: {e.Message}";
        }

        if (problem is not null)
        {
            return $"the line is not an event envelope: {problem}";
        }

        hasMembers = true;
        _canonical.Length = 0;
        try
        {
            JsonCanonicalizer.WriteCanonical(line, _canonical);
        }
        catch (JsonCanonicalizationException e)
        {
            return $"the line has no canonical form: {e.Message}";
        }

        var canonical = _canonical.Written;
        if (!canonical.SequenceEqual(line))
        {
            var at = canonical.CommonPrefixLength(line);
            return $"the line is not canonical JSON (RFC 8785): it differs from its canonical form from byte {at + 1} on";
        }

        return null;
    }

    /// <summary>The members of a line already shown canonical, from their offsets; false to leave the line to the full reading.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryReadCanonicalMembers(ReadOnlySpan<byte> line, ReadOnlySpan<JsonMemberSpan> members, out Envelope envelope)
    {
        envelope = default;

        // Canonical form sorts the names, so an envelope's nine members come in one order.
        for (var i = 0; i < MembersOfAnEnvelope; i++)
        {
            if (!line.Slice(members[i].NameStart, members[i].NameLength).SequenceEqual(MemberInCanonicalOrder(i)))
            {
                return false;
            }
        }

        ReadOnlySpan<byte> Value(ReadOnlySpan<JsonMemberSpan> all, ReadOnlySpan<byte> text, int i) => text.Slice(all[i].ValueStart, all[i].ValueLength);

        // data, id, metadata, position, recordedAt, schemaVersion, stream, type, version.
        if (Value(members, line, 0) is not [(byte)'{', ..] || Value(members, line, 2) is not [(byte)'{', ..]
            || !TryReadString(Value(members, line, 1), out var idText) || !TryParseUuid(idText, out var id)
            || !TryReadString(Value(members, line, 6), out var streamText) || !TryParseUuid(streamText, out var stream)
            || !TryReadCount(Value(members, line, 3), out var position) || !TryReadCount(Value(members, line, 5), out _)
            || !TryReadCount(Value(members, line, 8), out var version)
            || !TryReadString(Value(members, line, 4), out var recordedAtText) || !TryReadInstant(recordedAtText, out var recordedAt)
            || !TryReadString(Value(members, line, 7), out var typeText) || typeText.IsEmpty)
        {
            return false;
        }

        var type = CachedTypeName(typeText);
        if (type is null)
        {
            return false;
        }

        envelope = new Envelope(position, id, stream, version, type, recordedAt);
        return true;
    }

    private static ReadOnlySpan<byte> MemberInCanonicalOrder(int i) => i switch
    {
        0 => "data"u8,
        1 => "id"u8,
        2 => "metadata"u8,
        3 => "position"u8,
        4 => "recordedAt"u8,
        5 => "schemaVersion"u8,
        6 => "stream"u8,
        7 => "type"u8,
        _ => "version"u8,
    };

    /// <summary>The text of a string value with no escape in it (an escaped one is left to the full reading).</summary>
    private static bool TryReadString(ReadOnlySpan<byte> value, out ReadOnlySpan<byte> text)
    {
        text = value.Length >= 2 && value[0] == '"' ? value[1..^1] : default;
        return value.Length >= 2 && value[0] == '"' && !text.Contains((byte)'\\');
    }

    /// <summary>An integer from 1 (the canonical check has already refused anything but digits, a sign and 15 digits at most).</summary>
    private static bool TryReadCount(ReadOnlySpan<byte> value, out long count) =>
        Utf8Parser.TryParse(value, out count, out var consumed) && consumed == value.Length && count >= 1;

    /// <summary>One string per type name a bundle holds (a few dozen), rather than one per line; null when the cache is full.</summary>
    private string? CachedTypeName(ReadOnlySpan<byte> utf8)
    {
        foreach (var (known, text) in _typeNames)
        {
            if (utf8.SequenceEqual(known))
            {
                return text;
            }
        }

        if (_typeNames.Count >= 256)
        {
            return null;
        }

        // Already shown valid UTF-8 by the canonical check.
        var type = Encoding.UTF8.GetString(utf8);
        _typeNames.Add((utf8.ToArray(), type));
        return type;
    }

    /// <summary>A lowercase hyphenated UUID (RFC 9562 text form), as the envelope writes ids.</summary>
    public static bool TryParseUuid(ReadOnlySpan<byte> utf8, out Guid id)
    {
        id = default;
        return utf8.Length == UuidLength
            && !utf8.ContainsAnyInRange((byte)'A', (byte)'Z')
            && Utf8Parser.TryParse(utf8, out id, out var consumed, 'D')
            && consumed == UuidLength;
    }

    /// <inheritdoc cref="TryParseUuid(ReadOnlySpan{byte}, out Guid)"/>
    public static bool TryParseUuid(string text, out Guid id)
    {
        Span<byte> utf8 = stackalloc byte[UuidLength];
        id = default;
        return text.Length == UuidLength && Encoding.UTF8.TryGetBytes(text, utf8, out var written) && TryParseUuid(utf8[..written], out id);
    }

    /// <summary>The members at the top level; <c>data</c> and <c>metadata</c> are skipped over (the canonical pass reads them).</summary>
    /// <exception cref="JsonException">The line is not JSON.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private string? ReadMembers(ReadOnlySpan<byte> line, out Envelope envelope)
    {
        envelope = default;
        var reader = new Utf8JsonReader(line, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return "it is not an object";
        }

        long position = 0, version = 0;
        Guid id = default, stream = default;
        DateTimeOffset recordedAt = default;
        string? type = null;
        var seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueIsEscaped ? Encoding.UTF8.GetBytes(reader.GetString()!) : reader.ValueSpan;
            reader.Read();
            var (bit, problem) = name switch
            {
                _ when name.SequenceEqual("position"u8) => (1, Count(ref reader, "position", out position)),
                _ when name.SequenceEqual("version"u8) => (2, Count(ref reader, "version", out version)),
                _ when name.SequenceEqual("schemaVersion"u8) => (4, Count(ref reader, "schemaVersion", out _)),
                _ when name.SequenceEqual("id"u8) => (8, Uuid(ref reader, "id", out id)),
                _ when name.SequenceEqual("stream"u8) => (16, Uuid(ref reader, "stream", out stream)),
                _ when name.SequenceEqual("type"u8) => (32, TypeName(ref reader, out type)),
                _ when name.SequenceEqual("data"u8) => (64, Object(ref reader, "data")),
                _ when name.SequenceEqual("metadata"u8) => (128, Object(ref reader, "metadata")),
                _ when name.SequenceEqual("recordedAt"u8) => (256, RecordedAt(ref reader, out recordedAt)),
                _ => (0, $"it has the unknown member \"{Encoding.UTF8.GetString(name)}\""),
            };
            if (problem is not null)
            {
                return problem;
            }

            if ((seen & bit) != 0)
            {
                return $"it has the member \"{Encoding.UTF8.GetString(name)}\" twice";
            }

            seen |= bit;
        }

        // Read to the end, so that what follows the object (if anything) is refused as JSON would refuse it.
        while (reader.Read())
        {
        }

        if (seen != (1 << MembersOfAnEnvelope) - 1)
        {
            return "it does not have all the members position, id, stream, version, type, schemaVersion, data, metadata and recordedAt";
        }

        envelope = new Envelope(position, id, stream, version, type!, recordedAt);
        return null;
    }

    private static string? Count(ref Utf8JsonReader reader, string name, out long count)
    {
        count = 0;
        return reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out count) && count >= 1 ? null : $"{name} is not an integer from 1";
    }

    private static string? Object(ref Utf8JsonReader reader, string name)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return $"{name} is not an object";
        }

        reader.Skip();
        return null;
    }

    private static string? Uuid(ref Utf8JsonReader reader, string name, out Guid id)
    {
        id = default;
        return reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && TryParseUuid(reader.ValueSpan, out id)
            ? null
            : $"{name} is not a lowercase hyphenated UUID";
    }

    private string? TypeName(ref Utf8JsonReader reader, out string? type)
    {
        type = null;
        if (reader.TokenType != JsonTokenType.String)
        {
            return "type is not a string";
        }

        // A bundle holds a few dozen types: keep one string of each rather than one per line.
        var raw = reader.ValueSpan;
        if (!reader.ValueIsEscaped)
        {
            foreach (var (utf8, text) in _typeNames)
            {
                if (raw.SequenceEqual(utf8))
                {
                    type = text;
                    return null;
                }
            }
        }

        try
        {
            type = reader.GetString();
        }
        catch (InvalidOperationException)
        {
            return "type is not valid Unicode";
        }

        if (string.IsNullOrEmpty(type))
        {
            return "type is empty";
        }

        if (!reader.ValueIsEscaped && _typeNames.Count < 256)
        {
            _typeNames.Add((raw.ToArray(), type));
        }

        return null;
    }

    private static string? RecordedAt(ref Utf8JsonReader reader, out DateTimeOffset recordedAt)
    {
        recordedAt = default;
        return reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && TryReadInstant(reader.ValueSpan, out recordedAt)
            ? null
            : "recordedAt is not an instant written yyyy-MM-ddTHH:mm:ss.ffffffZ";
    }

    /// <summary>yyyy-MM-ddTHH:mm:ss.ffffffZ, a real date and time of day; read by hand, as it is read on every line.</summary>
    private static bool TryReadInstant(ReadOnlySpan<byte> text, out DateTimeOffset instant)
    {
        instant = default;
        if (text.Length != InstantLength || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[19] != '.' || text[26] != 'Z')
        {
            return false;
        }

        if (!Digits(text[..4], out var year) || !Digits(text[5..7], out var month) || !Digits(text[8..10], out var day)
            || !Digits(text[11..13], out var hour) || !Digits(text[14..16], out var minute) || !Digits(text[17..19], out var second)
            || !Digits(text[20..26], out var microseconds))
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour >= 24 || minute >= 60 || second >= 60)
        {
            return false;
        }

        var ticks = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).Ticks + (microseconds * TimeSpan.TicksPerMicrosecond);
        instant = new DateTimeOffset(ticks, TimeSpan.Zero);
        return true;
    }

    private static bool Digits(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        foreach (var c in text)
        {
            if (c is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }
}
