using MediatR;
using Provenance.Ledger.Infrastructure.Problems;
using Provenance.Ledger.Infrastructure.Validation;
using Provenance.Integrity.Merkle;

namespace Provenance.Ledger.Integrity.ProvingConsistency;

/// <summary>
/// That the tree of <paramref name="From"/> leaves is a prefix of the checkpointed tree of
/// <paramref name="To"/> leaves: verify <paramref name="Proof"/> with the root you hold for
/// <paramref name="From"/> and <paramref name="ToRootHash"/> (RFC 9162 2.1.4.2).
/// </summary>
/// <param name="From">The earlier tree size.</param>
/// <param name="To">The later tree size, a signed checkpoint's.</param>
/// <param name="ToRootHash">The root hash of the checkpoint of <paramref name="To"/> leaves, base64.</param>
/// <param name="Proof">The consistency proof (RFC 9162 2.1.4), base64; empty when the sizes are equal.</param>
public sealed record ConsistencyProofView(long From, long To, string ToRootHash, IReadOnlyList<string> Proof);

internal sealed record GetConsistencyProofQuery(long? From, long? To) : IRequest<ConsistencyProofView>;

internal sealed class GetConsistencyProofValidator : IValidator<GetConsistencyProofQuery>
{
    public void Validate(GetConsistencyProofQuery request, FieldErrors errors)
    {
        if (request.From is null)
        {
            errors.Add("from", "is required");
        }
        else if (request.From < 1)
        {
            errors.Add("from", "must be a tree size, 1 or more (every tree extends the empty one)");
        }

        if (request.To is null)
        {
            errors.Add("to", "is required");
        }
        else if (request.From is { } from && request.To < from)
        {
            errors.Add("to", "must be at least from");
        }
    }
}

internal sealed class HandleGetConsistencyProof(CheckpointService checkpoints, ISubtreeHashSource subtrees)
    : IRequestHandler<GetConsistencyProofQuery, ConsistencyProofView>
{
    public async Task<ConsistencyProofView> Handle(GetConsistencyProofQuery request, CancellationToken cancellationToken)
    {
        var (from, to) = (request.From!.Value, request.To!.Value);
        var checkpoint = await checkpoints.GetAsync(to, cancellationToken)
            ?? throw new NotFoundException($"No checkpoint is stored for the tree size {to}.");
        var proof = await ProofSource.ReadAsync(to, () => MerkleTree.ConsistencyProofAsync(subtrees, (ulong)from, (ulong)to, cancellationToken));
        return new ConsistencyProofView(from, to, Convert.ToBase64String(checkpoint.RootHash), proof.Select(Convert.ToBase64String).ToList());
    }
}
