using MediatR;
using Provenance.EventStore.Integrity;
using Provenance.Integrity.StreamIndex;
using Provenance.Ledger.Infrastructure.Problems;
using Provenance.Ledger.Infrastructure.Validation;
using Provenance.Ledger.Integrity.GettingCheckpoints;

namespace Provenance.Ledger.Integrity.ProvingStreamIndex;

/// <summary>A stream that references another, with its stream type.</summary>
public sealed record StreamReferenceView(Guid Stream, string Type);

/// <summary>A stream's entry in the stream index: its type (null while it has no event), last version and position, and the streams that reference it.</summary>
public sealed record StreamIndexEntryView(Guid Stream, string? Type, long LastVersion, long LastPosition, IReadOnlyList<StreamReferenceView> ReferencedBy);

/// <summary>The stream whose leaf ends an absent stream's path: its key and the SHA-256 of its entry, hex.</summary>
public sealed record StreamIndexNeighborView(string Key, string EntryHash);

/// <summary>
/// A stream's entry in the stream index of a signed checkpoint, or the proof that the index holds no
/// such stream (#16; docs/integrity.md). <paramref name="Line"/> is the proof as a bundle's
/// <c>index.ndjson</c> line; verify it against <paramref name="StreamIndexRoot"/>, which the
/// checkpoint's signed note carries.
/// </summary>
/// <param name="TreeSize">The checkpoint's tree size.</param>
/// <param name="StreamIndexRoot">The stream index root at that size, base64.</param>
/// <param name="Stream">The stream asked about.</param>
/// <param name="Present">Whether the index holds it.</param>
/// <param name="Entry">Its entry, when present.</param>
/// <param name="Neighbor">When absent, the stream whose leaf ends its path, if any (otherwise the path ends in an empty subtree).</param>
/// <param name="Proof">The sibling hashes, deepest first, concatenated, base64.</param>
/// <param name="Line">The proof as canonical JSON, as <c>index.ndjson</c> holds it.</param>
public sealed record StreamIndexProofView(
    long TreeSize, string StreamIndexRoot, Guid Stream, bool Present, StreamIndexEntryView? Entry, StreamIndexNeighborView? Neighbor, string Proof, string Line);

internal sealed record GetStreamIndexProofQuery(Guid Stream, long? TreeSize) : IRequest<StreamIndexProofView>;

internal sealed class GetStreamIndexProofValidator : IValidator<GetStreamIndexProofQuery>
{
    public void Validate(GetStreamIndexProofQuery request, FieldErrors errors)
    {
        if (request.TreeSize < 1)
        {
            errors.Add("treeSize", "must be the size of a signed checkpoint, 1 or more");
        }
    }
}

internal sealed class HandleGetStreamIndexProof(CheckpointService checkpoints, StreamIndexService index)
    : IRequestHandler<GetStreamIndexProofQuery, StreamIndexProofView>
{
    public async Task<StreamIndexProofView> Handle(GetStreamIndexProofQuery request, CancellationToken cancellationToken)
    {
        var (stream, treeSize) = request;
        var checkpoint = treeSize is { } size
            ? await checkpoints.GetAsync(size, cancellationToken) ?? throw new NotFoundException($"No checkpoint is stored for the tree size {size}.")
            : await checkpoints.GetLatestAsync(cancellationToken) ?? throw new NotFoundException("No checkpoint has been signed yet. POST /checkpoints signs one.");
        var root = CheckpointView.StreamIndexRootOf(checkpoint)
            ?? throw new NotFoundException($"The checkpoint of {checkpoint.TreeSize} leaves was signed before the ledger kept a stream index; POST /checkpoints signs one that carries it.");
        var map = await index.MapAtAsync(checkpoint.TreeSize, cancellationToken);
        var proof = map.Prove(stream);
        // Never hand out a proof that does not hold: the log would have changed since the checkpoint.
        if (!map.Root.AsSpan().SequenceEqual(root) || proof.Verify(root) is { } failure)
        {
            throw new LogIntegrityException(
                $"The stream index recomputed from the log at {checkpoint.TreeSize} events is not the one the checkpoint signed: the log was changed outside the ledger.");
        }

        var entry = proof.Entry is { } e
            ? new StreamIndexEntryView(e.Stream, e.Type, e.LastVersion, e.LastPosition, [.. e.ReferencedBy.Select(r => new StreamReferenceView(r.Stream, r.Type))])
            : null;
        var neighbor = proof.Neighbor is { } n ? new StreamIndexNeighborView(Convert.ToHexStringLower(n.Key), Convert.ToHexStringLower(n.EntryHash)) : null;
        return new StreamIndexProofView(checkpoint.TreeSize, Convert.ToBase64String(root), stream, proof.IsPresent, entry, neighbor,
            Convert.ToBase64String([.. proof.Siblings.SelectMany(s => s)]), System.Text.Encoding.UTF8.GetString(proof.ToCanonicalJson()));
    }
}
