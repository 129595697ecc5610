using System.Text;
using MediatR;
using Provenance.Ledger.Infrastructure.Problems;
using Provenance.Ledger.Infrastructure.Validation;
using Provenance.EventStore;
using Provenance.EventStore.Integrity;
using Provenance.Integrity.Merkle;

namespace Provenance.Ledger.Integrity.ProvingInclusion;

/// <summary>
/// That the event at <paramref name="Position"/> is leaf <paramref name="LeafIndex"/> of the tree a
/// signed checkpoint commits to: hash <paramref name="Envelope"/> (its UTF-8 bytes) as an RFC 9162 leaf
/// to get <paramref name="LeafHash"/>, then verify the audit path against the checkpoint's root.
/// </summary>
/// <param name="Position">The event's position in the log.</param>
/// <param name="LeafIndex">Its leaf index, <c>Position - 1</c>.</param>
/// <param name="TreeSize">The size of the checkpoint the proof is for.</param>
/// <param name="LeafHash">SHA-256(0x00 || envelope bytes), base64.</param>
/// <param name="RootHash">The checkpoint's root hash, base64.</param>
/// <param name="Proof">The audit path, deepest node first (RFC 9162 2.1.3), base64.</param>
/// <param name="Envelope">The event's canonical envelope (RFC 8785 JSON), the leaf's input.</param>
public sealed record InclusionProofView(
    long Position, long LeafIndex, long TreeSize, string LeafHash, string RootHash, IReadOnlyList<string> Proof, string Envelope);

internal sealed record GetInclusionProofQuery(long Position, long? TreeSize) : IRequest<InclusionProofView>;

internal sealed class GetInclusionProofValidator : IValidator<GetInclusionProofQuery>
{
    public void Validate(GetInclusionProofQuery request, FieldErrors errors)
    {
        if (request.Position < 1)
        {
            errors.Add("position", "must be a log position, 1 or more");
        }

        if (request.TreeSize < 1)
        {
            errors.Add("treeSize", "must be the size of a signed checkpoint, 1 or more");
        }
    }
}

internal sealed class HandleGetInclusionProof(CheckpointService checkpoints, PostgresEventStore store, ISubtreeHashSource subtrees)
    : IRequestHandler<GetInclusionProofQuery, InclusionProofView>
{
    public async Task<InclusionProofView> Handle(GetInclusionProofQuery request, CancellationToken cancellationToken)
    {
        var (position, treeSize) = request;
        var checkpoint = treeSize is { } size
            ? await checkpoints.GetAsync(size, cancellationToken) ?? throw new NotFoundException($"No checkpoint is stored for the tree size {size}.")
            : await checkpoints.GetLatestAsync(cancellationToken) ?? throw new NotFoundException("No checkpoint has been signed yet. POST /checkpoints signs one.");
        if (position > checkpoint.TreeSize)
        {
            throw new ValidationFailedException(new Dictionary<string, string[]>
            {
                ["position"] = [$"must be at most the checkpoint's tree size ({checkpoint.TreeSize}); sign a newer checkpoint with POST /checkpoints"],
            });
        }

        var rawEvent = await store.ReadRawEventAsync(position, cancellationToken)
            ?? throw new LogIntegrityException($"The checkpoint of {checkpoint.TreeSize} leaves covers position {position}, but the log has no event there.");
        var envelope = EventEnvelope.ToCanonicalBytes(rawEvent);
        var leafHash = MerkleTree.LeafHash(envelope);
        var leafIndex = EventEnvelope.LeafIndex(position);
        var proof = await ProofSource.ReadAsync(checkpoint.TreeSize, () => MerkleTree.InclusionProofAsync(subtrees, leafIndex, (ulong)checkpoint.TreeSize, cancellationToken));
        try
        {
            // Never hand out a proof that does not hold: it would mean the event changed after it was integrated.
            MerkleTree.VerifyInclusion(leafIndex, (ulong)checkpoint.TreeSize, leafHash, proof, checkpoint.RootHash);
        }
        catch (MerkleProofException e)
        {
            throw new LogIntegrityException(
                $"The event at position {position} is not the leaf that the checkpoint of {checkpoint.TreeSize} leaves commits to: the event or the tree was changed outside the ledger.", e);
        }

        return new InclusionProofView(position, (long)leafIndex, checkpoint.TreeSize, Convert.ToBase64String(leafHash), Convert.ToBase64String(checkpoint.RootHash),
            proof.Select(Convert.ToBase64String).ToList(), Encoding.UTF8.GetString(envelope));
    }
}
