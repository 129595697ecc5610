using Microsoft.Extensions.Options;
using Provenance.Ledger.Infrastructure;
using Provenance.Ledger.Infrastructure.Json;
using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Caching.Memory;
using Provenance.Domain.Common;
using Provenance.EventStore;

namespace Provenance.Ledger.Lineage;

/// <summary>
/// A model lineage answer, its graph already serialized. <see cref="ETag"/> names exactly what the
/// answer was computed from (see <see cref="LineageAnswers"/>); the same inputs always give it.
/// </summary>
internal sealed record LineageAnswer(
    Guid ModelId, string ModelName, bool Commercial, string ModelVersion, LineageAsOf AsOf, string ETag, byte[] Nodes, byte[] Edges, byte[] Tree)
{
    /// <summary>Writes the answer as the JSON of <see cref="GettingModelLineage.ModelLineage"/>, the graph's bytes as they are.</summary>
    public async Task WriteAsync(Stream body, CancellationToken cancellationToken)
    {
        var head = new ArrayBufferWriter<byte>(256);
        await using (var writer = new Utf8JsonWriter(head, new JsonWriterOptions { Encoder = LineageAnswers.Json.Encoder }))
        {
            writer.WriteStartObject();
            writer.WriteString("modelId", ModelId);
            writer.WriteString("modelName", ModelName);
            writer.WriteBoolean("commercial", Commercial);
            writer.WriteString("modelVersion", ModelVersion);
            writer.WritePropertyName("asOf");
            JsonSerializer.Serialize(writer, AsOf, LineageAnswers.Json);
            writer.WriteEndObject();
        }

        // The header object without its closing brace, then the three serialized members.
        await body.WriteAsync(head.WrittenMemory[..^1], cancellationToken);
        await body.WriteAsync(",\"nodes\":"u8.ToArray(), cancellationToken);
        await body.WriteAsync(Nodes, cancellationToken);
        await body.WriteAsync(",\"edges\":"u8.ToArray(), cancellationToken);
        await body.WriteAsync(Edges, cancellationToken);
        await body.WriteAsync(",\"tree\":"u8.ToArray(), cancellationToken);
        await body.WriteAsync(Tree, cancellationToken);
        await body.WriteAsync("}"u8.ToArray(), cancellationToken);
    }
}

/// <summary>
/// Model lineage answers, kept for reuse, never stale. An answer is a pure function of the model's
/// stream version, the run and graph rows (fixed once recorded), the version of every dataset and
/// IRB protocol stream its facts were folded from, the day clearance is judged on, and the detail
/// asked for. Its fingerprint hashes exactly those and is the answer's ETag.
/// <para>Reuse is checked two ways. First by query (model, version, detail, day, and the asOf position
/// or "head"): the answer remembered at log position P0 still holds at P if no event in (P0, P]
/// touched a stream it depends on (the model, its datasets, their protocols) nor any IRB protocol
/// (one could start covering a dataset): one range read of the log tail. Otherwise, once the graph
/// and the stream versions are read again, by fingerprint, which skips building and serializing.</para>
/// Bounded by <c>Provenance:Cache:LineageBytes</c> (64 MiB by default), least recently used first out;
/// 0 turns reuse off.
/// </summary>
internal sealed class LineageAnswers(IOptions<CacheOptions> options) : IDisposable
{
    /// <summary>Beyond this many events since an answer, recomputing is cheaper than reading the tail.</summary>
    private const long MaxTail = 20_000;

    /// <summary>Lineage output: the service's conventions, deep enough for the reading tree, without null members.</summary>
    public static readonly JsonSerializerOptions Json = new(ApiJson.Options)
    {
        MaxDepth = 512,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly MemoryCache _cache = new(new MemoryCacheOptions
    {
        SizeLimit = options.Value.LineageBytes,
        CompactionPercentage = 0.25,
    });

    public static string QueryKey(Guid modelId, string modelVersion, LineageDetail detail, DateOnly day, long? asOfPosition) =>
        $"{modelId:N}|{modelVersion}|{detail}|{day:yyyy-MM-dd}|{(asOfPosition is { } p ? p.ToString(System.Globalization.CultureInfo.InvariantCulture) : "head")}";

    /// <summary>The answer remembered for the query, if nothing it depends on changed up to <paramref name="position"/>.</summary>
    public async Task<LineageAnswer?> TryReuseAsync(string queryKey, long position, PostgresEventStore store, CancellationToken cancellationToken)
    {
        if (!_cache.TryGetValue(queryKey, out Remembered? remembered) || remembered is null)
        {
            return null;
        }

        if (remembered.Position == position)
        {
            return remembered.Answer;
        }

        if (position < remembered.Position || position - remembered.Position > MaxTail)
        {
            return null;
        }

        var touched = await store.GetStreamsTouchedAsync(remembered.Position, position, cancellationToken);
        if (touched.Any(t => t.StreamType == StreamTypes.IrbProtocol || remembered.Dependencies.Contains(t.StreamId)))
        {
            return null;
        }

        Put(queryKey, remembered with { Position = position });
        return remembered.Answer;
    }

    public bool TryGetByFingerprint(string fingerprint, out LineageAnswer? answer) => _cache.TryGetValue(fingerprint, out answer) && answer is not null;

    /// <summary>Remembers an answer computed (or found by fingerprint) at <paramref name="position"/>.</summary>
    public void Remember(string queryKey, long position, IReadOnlySet<Guid> dependencies, LineageAnswer answer)
    {
        Put(queryKey, new Remembered(answer, position, dependencies));
        // The fingerprint entry shares the answer's bytes, which the query entry already counts.
        _cache.Set(answer.ETag, answer, new MemoryCacheEntryOptions { Size = 256 });
    }

    public static string Fingerprint(
        Guid modelId, string modelVersion, long modelStreamVersion, LineageDetail detail, DateOnly day, IReadOnlyDictionary<Guid, long> streamVersions)
    {
        var text = new StringBuilder(64 + (streamVersions.Count * 44));
        text.Append("lineage/1|").Append(modelId.ToString("N")).Append('|').Append(modelVersion).Append('|').Append(modelStreamVersion)
            .Append('|').Append(detail).Append('|').Append(day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        foreach (var (id, version) in streamVersions.OrderBy(s => s.Key))
        {
            text.Append('|').Append(id.ToString("N")).Append('@').Append(version);
        }

        return "\"" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())).AsSpan(0, 16)) + "\"";
    }

    private void Put(string queryKey, Remembered remembered) =>
        _cache.Set(queryKey, remembered, new MemoryCacheEntryOptions
        {
            Size = remembered.Answer.Nodes.Length + remembered.Answer.Edges.Length + remembered.Answer.Tree.Length + (remembered.Dependencies.Count * 40),
        });

    public void Dispose() => _cache.Dispose();

    private sealed record Remembered(LineageAnswer Answer, long Position, IReadOnlySet<Guid> Dependencies);
}
