using Provenance.EventStore.Integrity;
using MediatR;
using Provenance.Ledger.Infrastructure.Problems;
using Provenance.Ledger.Infrastructure.Validation;

namespace Provenance.Ledger.Integrity.GettingCheckpoints;

/// <summary>A signed checkpoint: the tree size, its root hash, and the signed note that carries both.</summary>
/// <param name="TreeSize">How many events the tree holds: positions 1 to TreeSize.</param>
/// <param name="RootHash">The RFC 9162 root hash, standard base64.</param>
/// <param name="Note">The C2SP signed note: checkpoint body, blank line, signature line.</param>
/// <param name="KeyId">The signing key's ID, eight hex digits, as in GET /checkpoints/public-key.</param>
/// <param name="SignedAt">When the service signed it.</param>
/// <param name="StreamIndexRoot">The root of the stream index at the tree size (#16), base64, as the note's extension line states it; null for a checkpoint signed before the index existed.</param>
/// <param name="Cosignatures">The witnesses that cosigned it (#17); their signature lines follow the log's in <paramref name="Note"/>.</param>
/// <param name="Published">Whether as many of the configured witnesses as the policy's quorum have cosigned it (always true with no witnesses configured).</param>
public sealed record CheckpointView(
    long TreeSize, string RootHash, string Note, string KeyId, DateTimeOffset SignedAt, string? StreamIndexRoot, IReadOnlyList<CosignatureView> Cosignatures, bool Published)
{
    /// <summary>The view of a checkpoint whose note carries its cosignature lines (as <see cref="CheckpointService"/> reads it): they are read from the note.</summary>
    internal static CheckpointView From(StoredCheckpoint checkpoint, Witnessing.WitnessingOptions policy) =>
        new(checkpoint.TreeSize, Convert.ToBase64String(checkpoint.RootHash), checkpoint.Note, checkpoint.KeyId, checkpoint.SignedAt,
            StreamIndexRootOf(checkpoint) is { } root ? Convert.ToBase64String(root) : null,
            [.. Provenance.Integrity.Witnessing.CosignedNote.Cosignatures(checkpoint.Note)
                .Select(c => new CosignatureView(c.Name, c.KeyId.ToString("x8", System.Globalization.CultureInfo.InvariantCulture), c.Time))],
            policy.IsPublished(checkpoint.Note));

    /// <summary>The stream index root a stored checkpoint's note carries, or null.</summary>
    internal static byte[]? StreamIndexRootOf(StoredCheckpoint checkpoint) =>
        Provenance.Integrity.StreamIndex.StreamIndexCheckpoint.Root(Provenance.Integrity.Checkpoints.Checkpoint.FromTrustedNote(checkpoint.Note));
}

/// <summary>A witness's cosignature of a checkpoint (C2SP tlog-cosignature/v1).</summary>
/// <param name="Witness">The witness's key name.</param>
/// <param name="KeyId">Its key ID, eight hex digits.</param>
/// <param name="CosignedAt">When it cosigned, as its signature states.</param>
public sealed record CosignatureView(string Witness, string KeyId, DateTimeOffset CosignedAt);

/// <summary>The public key that verifies this service's checkpoints.</summary>
/// <param name="Origin">The log's origin: the first line of every checkpoint and the key's name.</param>
/// <param name="KeyName">The key name in signature lines.</param>
/// <param name="KeyId">The key ID, eight hex digits: the first four bytes of SHA-256 of the SubjectPublicKeyInfo.</param>
/// <param name="VerifierKey">The C2SP verifier key, <c>name+keyid+base64(0x02 || SPKI)</c>, as Go's note package reads it.</param>
/// <param name="PublicKeyPem">The same ECDSA P-256 public key as a PEM SubjectPublicKeyInfo.</param>
/// <param name="Algorithm">Always <c>ecdsa-p256-sha256</c> (signed-note signature type 0x02).</param>
public sealed record PublicKeyView(string Origin, string KeyName, string KeyId, string VerifierKey, string PublicKeyPem, string Algorithm);

internal sealed record GetLatestCheckpointQuery : IRequest<CheckpointView>;

internal sealed record GetCheckpointQuery(long TreeSize) : IRequest<CheckpointView>;

internal sealed record GetPublicKeyQuery : IRequest<PublicKeyView>;

internal sealed class GetCheckpointValidator : IValidator<GetCheckpointQuery>
{
    public void Validate(GetCheckpointQuery request, FieldErrors errors)
    {
        if (request.TreeSize < 0)
        {
            errors.Add("treeSize", "must be a whole number, 0 or more");
        }
    }
}

internal sealed class HandleGetLatestCheckpoint(CheckpointService checkpoints, Microsoft.Extensions.Options.IOptions<Witnessing.WitnessingOptions> policy)
    : IRequestHandler<GetLatestCheckpointQuery, CheckpointView>
{
    public async Task<CheckpointView> Handle(GetLatestCheckpointQuery request, CancellationToken cancellationToken)
    {
        var checkpoint = await checkpoints.GetLatestAsync(cancellationToken) ?? throw new NotFoundException("No checkpoint has been signed yet. POST /checkpoints signs one.");
        return CheckpointView.From(checkpoint, policy.Value);
    }
}

internal sealed class HandleGetCheckpoint(CheckpointService checkpoints, Microsoft.Extensions.Options.IOptions<Witnessing.WitnessingOptions> policy)
    : IRequestHandler<GetCheckpointQuery, CheckpointView>
{
    public async Task<CheckpointView> Handle(GetCheckpointQuery request, CancellationToken cancellationToken)
    {
        var checkpoint = await checkpoints.GetAsync(request.TreeSize, cancellationToken)
            ?? throw new NotFoundException($"No checkpoint is stored for the tree size {request.TreeSize}.");
        return CheckpointView.From(checkpoint, policy.Value);
    }
}

internal sealed class HandleGetPublicKey(SigningKey signingKey, Microsoft.Extensions.Options.IOptions<IntegrityOptions> options)
    : IRequestHandler<GetPublicKeyQuery, PublicKeyView>
{
    public Task<PublicKeyView> Handle(GetPublicKeyQuery request, CancellationToken cancellationToken)
    {
        var key = signingKey.VerifierKey;
        return Task.FromResult(new PublicKeyView(options.Value.Origin, key.Name, signingKey.KeyId, key.ToString(), signingKey.PublicKeyPem, "ecdsa-p256-sha256"));
    }
}
