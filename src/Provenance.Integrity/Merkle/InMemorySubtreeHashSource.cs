namespace Provenance.Integrity.Merkle;

/// <summary>
/// An <see cref="ISubtreeHashSource"/> held in memory, for tests and small tools. Feed it what
/// <see cref="MerkleTreeBuilder.Append"/> emits.
/// </summary>
public sealed class InMemorySubtreeHashSource : ISubtreeHashSource
{
    private readonly Dictionary<SubtreeCoordinate, byte[]> _hashes = [];

    /// <summary>How many subtree hashes are stored.</summary>
    public int Count => _hashes.Count;

    /// <summary>Stores the hashes; a subtree already stored must come with the same hash.</summary>
    /// <exception cref="InvalidOperationException">A subtree is stored with another hash.</exception>
    public void Add(IEnumerable<SubtreeHash> subtrees)
    {
        ArgumentNullException.ThrowIfNull(subtrees);
        foreach (var (subtree, hash) in subtrees)
        {
            MerkleTree.RequireHashSize(hash.Span, nameof(subtrees));
            if (_hashes.TryGetValue(subtree, out var stored) && !stored.AsSpan().SequenceEqual(hash.Span))
            {
                // Complete subtrees are immutable; a second, different hash means two different logs.
                throw new InvalidOperationException($"Subtree {subtree} is already stored with another hash.");
            }

            _hashes[subtree] = hash.ToArray();
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<byte[]>> GetSubtreeHashesAsync(IReadOnlyList<SubtreeCoordinate> subtrees, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subtrees);
        cancellationToken.ThrowIfCancellationRequested();
        var hashes = new byte[subtrees.Count][];
        for (var i = 0; i < hashes.Length; i++)
        {
            hashes[i] = _hashes.TryGetValue(subtrees[i], out var hash)
                ? hash.ToArray()
                : throw new KeyNotFoundException($"Subtree {subtrees[i]} is not stored.");
        }

        return ValueTask.FromResult<IReadOnlyList<byte[]>>(hashes);
    }
}
