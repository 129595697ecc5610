using System.Buffers;
using System.Runtime.CompilerServices;
using Provenance.Integrity.Merkle;

namespace Provenance.Integrity.Bundles;

/// <summary>One line of <c>events.ndjson</c> as checked on its own: its members, and what is wrong with it.</summary>
internal readonly record struct EventLine(Envelope Envelope, bool HasMembers, string? Problem);

/// <summary>One line of <c>proofs.ndjson</c> as read on its own; its hashes are in the batch.</summary>
internal readonly record struct ProofEntry(long LeafIndex, long Position, int HashOffset, int HashBytes, string? Problem);

/// <summary>
/// The lines of one chunk of <c>events.ndjson</c>, each read, checked for canonical form and
/// leaf-hashed. Chunks are independent, so they are checked in parallel; what depends on the
/// lines before (order, proofs against the memo, completeness) is left to the one pass that
/// takes the batches in order.
/// </summary>
internal sealed class EventBatch : IDisposable
{
    private readonly EventLine[] _lines;
    private readonly byte[] _leafHashes;

    private EventBatch(long firstLine, int count, EventLine[] lines, byte[] leafHashes, bool lastLineUnterminated)
    {
        FirstLine = firstLine;
        Count = count;
        _lines = lines;
        _leafHashes = leafHashes;
        LastLineUnterminated = lastLineUnterminated;
    }

    public long FirstLine { get; }

    public int Count { get; }

    public bool LastLineUnterminated { get; }

    public ref readonly EventLine this[int line] => ref _lines[line];

    public ReadOnlySpan<byte> LeafHash(int line) => _leafHashes.AsSpan(line * MerkleTree.HashSize, MerkleTree.HashSize);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static EventBatch Check(LineChunk chunk)
    {
        using (chunk)
        {
            var reader = new EnvelopeReader();

            // Pooled: a chunk's arrays are about 100 KB, and one allocated per chunk would fill the large object heap.
            var lines = ArrayPool<EventLine>.Shared.Rent(chunk.LineCount);
            var leafHashes = ArrayPool<byte>.Shared.Rent(chunk.LineCount * MerkleTree.HashSize);
            var rest = chunk.Bytes.Span;
            for (var i = 0; i < chunk.LineCount; i++)
            {
                var end = rest.IndexOf((byte)'\n');
                var line = end >= 0 ? rest[..end] : rest;
                rest = end >= 0 ? rest[(end + 1)..] : [];
                MerkleTree.LeafHashInto(line, leafHashes.AsSpan(i * MerkleTree.HashSize, MerkleTree.HashSize));
                var problem = reader.Read(line, out var envelope, out var hasMembers);
                lines[i] = new EventLine(envelope, hasMembers, problem);
            }

            return new EventBatch(chunk.FirstLine, chunk.LineCount, lines, leafHashes, chunk.LastLineUnterminated);
        }
    }

    public void Dispose()
    {
        ArrayPool<EventLine>.Shared.Return(_lines, clearArray: true);
        ArrayPool<byte>.Shared.Return(_leafHashes);
    }
}

/// <summary>The lines of one chunk of <c>proofs.ndjson</c>, each read and its hashes decoded.</summary>
internal sealed class ProofBatch : IDisposable
{
    private readonly ProofEntry[] _entries;
    private readonly byte[] _hashes;

    private ProofBatch(long firstLine, int count, ProofEntry[] entries, byte[] hashes, bool lastLineUnterminated)
    {
        FirstLine = firstLine;
        Count = count;
        _entries = entries;
        _hashes = hashes;
        LastLineUnterminated = lastLineUnterminated;
    }

    public long FirstLine { get; }

    public int Count { get; }

    public bool LastLineUnterminated { get; }

    public ref readonly ProofEntry this[int line] => ref _entries[line];

    public ReadOnlySpan<byte> Hashes(in ProofEntry entry) => _hashes.AsSpan(entry.HashOffset, entry.HashBytes);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ProofBatch Read(LineChunk chunk)
    {
        using (chunk)
        {
            var entries = ArrayPool<ProofEntry>.Shared.Rent(chunk.LineCount);

            // Base64 decodes to three quarters of its length, so the chunk's length holds every proof.
            var hashes = ArrayPool<byte>.Shared.Rent(chunk.Length + ProofLine.MaxHashBytes);
            var offset = 0;
            var rest = chunk.Bytes.Span;
            for (var i = 0; i < chunk.LineCount; i++)
            {
                var end = rest.IndexOf((byte)'\n');
                var line = end >= 0 ? rest[..end] : rest;
                rest = end >= 0 ? rest[(end + 1)..] : [];
                var problem = ProofLine.TryRead(line, out var leafIndex, out var position, hashes.AsSpan(offset), out var bytes);
                entries[i] = new ProofEntry(leafIndex, position, offset, problem is null ? bytes : 0, problem);
                offset += problem is null ? bytes : 0;
            }

            return new ProofBatch(chunk.FirstLine, chunk.LineCount, entries, hashes, chunk.LastLineUnterminated);
        }
    }

    public void Dispose()
    {
        ArrayPool<ProofEntry>.Shared.Return(_entries, clearArray: true);
        ArrayPool<byte>.Shared.Return(_hashes);
    }
}
