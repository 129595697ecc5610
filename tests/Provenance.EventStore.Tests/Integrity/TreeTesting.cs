using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using Provenance.Integrity.Canonicalization;
using Provenance.Integrity.Merkle;

namespace Provenance.EventStore.Tests.Integrity;

/// <summary>What the tree tests compute on their own, without the code under test.</summary>
internal static class TreeTesting
{
    /// <summary>The envelope of docs/integrity.md, built from a JSON object and canonicalized: not through EventEnvelope.</summary>
    public static byte[] IndependentEnvelope(RawEvent e) => JsonCanonicalizer.Canonicalize(new JsonObject
    {
        ["position"] = e.Position,
        ["id"] = e.EventId.ToString(),
        ["stream"] = e.StreamId.ToString(),
        ["version"] = e.StreamVersion,
        ["type"] = e.Type,
        ["schemaVersion"] = e.SchemaVersion,
        ["data"] = JsonNode.Parse(e.DataJson),
        ["metadata"] = JsonNode.Parse(e.MetadataJson),
        ["recordedAt"] = e.RecordedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
    });

    /// <summary>The root of the whole log, recomputed from every event's envelope.</summary>
    public static async Task<(byte[] Root, List<byte[]> Leaves)> IndependentRootAsync(PostgresEventStore store, long size)
    {
        var leaves = await store.ReadAllRawAsync(0, checked((int)size)).Select(e => MerkleTree.LeafHash(IndependentEnvelope(e))).ToListAsync();
        Assert.Equal(size, leaves.Count);
        return (MerkleTree.RootHash(leaves), leaves);
    }

    public static async Task AppendAsync(PostgresEventStore store, int events, int perAppend = 1)
    {
        for (var appended = 0; appended < events; appended += perAppend)
        {
            var count = Math.Min(perAppend, events - appended);
            await store.AppendAsync(Guid.NewGuid(), "thing", ExpectedVersion.NoStream,
                Enumerable.Range(appended, count).Select(i => (object)new ThingHappened($"thing {i} ✓ \"quoted\"", i)).ToList(), Metadata.Test);
        }
    }

    public static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    public static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    public static string Utf8(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}

/// <summary>Counts what proof generation asks of the stored subtrees.</summary>
internal sealed class CountingSubtreeSource(ISubtreeHashSource inner) : ISubtreeHashSource
{
    public int Calls { get; private set; }

    public int Lookups { get; private set; }

    public ValueTask<IReadOnlyList<byte[]>> GetSubtreeHashesAsync(IReadOnlyList<SubtreeCoordinate> subtrees, CancellationToken cancellationToken = default)
    {
        Calls++;
        Lookups += subtrees.Count;
        return inner.GetSubtreeHashesAsync(subtrees, cancellationToken);
    }

    public void Reset() => (Calls, Lookups) = (0, 0);
}
