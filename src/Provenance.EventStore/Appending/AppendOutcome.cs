using Npgsql;

namespace Provenance.EventStore.Appending;

/// <summary>A row <c>append_batch</c> returns: one request's outcome.</summary>
internal readonly record struct AppendOutcome(
    int Code, long Version, long FirstPosition, long LastPosition, DateTimeOffset RecordedAt,
    byte[] StoredRequestHash, Guid StoredStreamId, string? Resource)
{
    public const int Appended = 0;
    public const int VersionConflict = 1;
    public const int DuplicateKey = 2;
    public const int TypeMismatch = 3;

    public static AppendOutcome Read(NpgsqlDataReader reader) => new(
        reader.GetInt32(0),
        reader.GetInt64(1),
        reader.IsDBNull(2) ? 0 : reader.GetInt64(2),
        reader.IsDBNull(3) ? 0 : reader.GetInt64(3),
        reader.IsDBNull(4) ? default : reader.GetFieldValue<DateTimeOffset>(4),
        reader.IsDBNull(5) ? [] : reader.GetFieldValue<byte[]>(5),
        reader.IsDBNull(6) ? Guid.Empty : reader.GetGuid(6),
        reader.IsDBNull(7) ? null : reader.GetString(7));

    public AppendResult ToResult(Guid streamId, bool replayed) =>
        new(streamId, Version, FirstPosition, LastPosition, RecordedAt, replayed) { Resource = Resource };
}
