using System.Security.Cryptography;
using System.Text;
using Provenance.Integrity.Checkpoints;
using Provenance.Integrity.Merkle;
using Provenance.Integrity.Witnessing;

namespace Provenance.Witness.Tests;

/// <summary>
/// A log as a witness sees it: leaves appended to an RFC 9162 tree, checkpoints signed with the
/// log's ECDSA key, and consistency proofs between sizes. <see cref="Fork"/> makes a second log of
/// the same origin and key whose history departs from this one's, as a log showing a split view would.
/// </summary>
internal sealed class WitnessedLog : IDisposable
{
    private readonly List<byte[]> _leaves = [];
    private InMemorySubtreeHashSource _subtrees = new();
    private MerkleTreeBuilder _tree = new();

    public WitnessedLog(string origin = "provenance.example.org/ledger", ECDsa? key = null)
    {
        Origin = origin;
        Key = key ?? ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Signer = new CheckpointSigner(origin, Key);
    }

    public string Origin { get; }

    public ECDsa Key { get; }

    public CheckpointSigner Signer { get; }

    public VerifierKey VerifierKey => Signer.VerifierKey;

    public ulong Size => (ulong)_leaves.Count;

    /// <summary>Appends <paramref name="count"/> leaves named after <paramref name="label"/>.</summary>
    public WitnessedLog Append(int count, string label = "event")
    {
        for (var i = 0; i < count; i++)
        {
            var leaf = MerkleTree.LeafHash(Encoding.UTF8.GetBytes($"{label} {_leaves.Count + 1}"));
            _leaves.Add(leaf);
            _subtrees.Add(_tree.Append(leaf));
        }

        return this;
    }

    public byte[] Root(ulong size) => MerkleTree.RootHashAsync(_subtrees, size).AsTask().GetAwaiter().GetResult();

    /// <summary>The signed checkpoint of the tree as it stands (with the stream index line the ledger adds, so extension lines are covered).</summary>
    public string Checkpoint(ulong? size = null) =>
        Signer.Sign(new Checkpoint(Origin, size ?? Size, Root(size ?? Size), ["provenance-stream-index " + Convert.ToBase64String(new byte[32])]));

    public IReadOnlyList<byte[]> Proof(ulong from, ulong to) =>
        from == 0 || from == to ? [] : MerkleTree.ConsistencyProofAsync(_subtrees, from, to).AsTask().GetAwaiter().GetResult();

    /// <summary>The add-checkpoint body for the tree as it stands, from <paramref name="oldSize"/>.</summary>
    public string Request(ulong oldSize) => new AddCheckpointRequest(oldSize, Proof(oldSize, Size), Checkpoint()).Format();

    /// <summary>A log of the same origin and key that shares this one's first <paramref name="shared"/> leaves and then departs.</summary>
    public WitnessedLog Fork(int shared)
    {
        var fork = new WitnessedLog(Origin, Key);
        fork._leaves.AddRange(_leaves.Take(shared));
        fork._subtrees = new InMemorySubtreeHashSource();
        fork._tree = new MerkleTreeBuilder();
        foreach (var leaf in fork._leaves)
        {
            fork._subtrees.Add(fork._tree.Append(leaf));
        }

        return fork;
    }

    public void Dispose() => Signer.Dispose();
}
