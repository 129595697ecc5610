using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Provenance.EventStore;
using Provenance.EventStore.Integrity;
using Provenance.Integrity.Canonicalization;
using Provenance.Integrity.Merkle;

namespace Provenance.MicroBenchmarks;

/// <summary>
/// RFC 8785 canonicalization of an event envelope (what the integrator and every export do per
/// event), against parsing and re-writing the same JSON with System.Text.Json, which is the least
/// any canonicalizer must do.
/// </summary>
[MemoryDiagnoser]
public class Canonicalization
{
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private RawEvent _stored = null!;
    private byte[] _envelope = [];

    [GlobalSetup]
    public void Setup()
    {
        var serializer = EventSerialization.Serializer;
        var (type, json) = serializer.Serialize(Samples.Contribution);
        _stored = new RawEvent(123_456, Guid.Parse("01936f3a-5c1e-7b2a-9d4e-0a1b2c3d4e61"), Samples.Contribution.DatasetId, 3, type.Name, type.SchemaVersion,
            System.Text.Encoding.UTF8.GetBytes(json), System.Text.Encoding.UTF8.GetBytes(serializer.SerializeMetadata(Samples.Metadata)), Samples.Contribution.ContributedAt);
        _envelope = EventEnvelope.ToCanonicalBytes(_stored);
    }

    [Benchmark(Baseline = true, Description = "System.Text.Json parse and re-write")]
    public int ParseAndWrite()
    {
        _buffer.ResetWrittenCount();
        using var document = JsonDocument.Parse(_envelope);
        using var writer = new Utf8JsonWriter(_buffer);
        document.WriteTo(writer);
        writer.Flush();
        return _buffer.WrittenCount;
    }

    [Benchmark(Description = "JsonCanonicalizer.WriteCanonical (RFC 8785)")]
    public int Canonicalize()
    {
        _buffer.ResetWrittenCount();
        JsonCanonicalizer.WriteCanonical(_envelope, _buffer);
        return _buffer.WrittenCount;
    }

    [Benchmark(Description = "EventEnvelope.WriteCanonical from the stored row")]
    public int Envelope()
    {
        _buffer.ResetWrittenCount();
        EventEnvelope.WriteCanonical(_stored, _buffer);
        return _buffer.WrittenCount;
    }
}

/// <summary>RFC 9162 leaf and node hashes, against SHA-256 of the same bytes.</summary>
public class Hashing
{
    private readonly byte[] _left = SHA256.HashData("left"u8);
    private readonly byte[] _right = SHA256.HashData("right"u8);
    private byte[] _envelope = [];
    private byte[] _pair = [];

    [GlobalSetup]
    public void Setup()
    {
        _envelope = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(Samples.Contribution, EventSerialization.Serializer.Options));
        _pair = [0x01, .. _left, .. _right];
    }

    [Benchmark(Baseline = true, Description = "SHA-256 of the envelope")]
    public byte[] Sha256() => SHA256.HashData(_envelope);

    [Benchmark(Description = "MerkleTree.LeafHash of the envelope")]
    public byte[] LeafHash() => MerkleTree.LeafHash(_envelope);

    [Benchmark(Description = "SHA-256 of 65 bytes")]
    public byte[] Sha256Pair() => SHA256.HashData(_pair);

    [Benchmark(Description = "MerkleTree.NodeHash")]
    public byte[] NodeHash() => MerkleTree.NodeHash(_left, _right);
}

/// <summary>
/// Verifying an inclusion proof in a tree of 2^20 leaves (20 hashes), against the 20 node hashes
/// any verifier must compute.
/// </summary>
public class Proofs
{
    private const ulong TreeSize = 1 << 20;
    private const ulong LeafIndex = 777_777;
    private IReadOnlyList<byte[]> _proof = [];
    private byte[] _leaf = [];
    private byte[] _root = [];

    [GlobalSetup]
    public async Task Setup()
    {
        var source = new InMemorySubtreeHashSource();
        var builder = new MerkleTreeBuilder();
        for (ulong i = 0; i < TreeSize; i++)
        {
            var leaf = MerkleTree.LeafHash(BitConverter.GetBytes(i));
            if (i == LeafIndex)
            {
                _leaf = leaf;
            }

            source.Add(builder.Append(leaf));
        }

        _root = builder.RootHash();
        _proof = await MerkleTree.InclusionProofAsync(source, LeafIndex, TreeSize);
    }

    [Benchmark(Baseline = true, Description = "20 node hashes")]
    public byte[] NodeHashes()
    {
        var hash = _leaf;
        foreach (var sibling in _proof)
        {
            hash = MerkleTree.NodeHash(hash, sibling);
        }

        return hash;
    }

    [Benchmark(Description = "MerkleTree.VerifyInclusion")]
    public void VerifyInclusion() => MerkleTree.VerifyInclusion(LeafIndex, TreeSize, _leaf, _proof, _root);
}
