using MediatR;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Validation;
using Provenance.Domain.Access;

namespace Provenance.Ledger.Access.IssuingApiKey;

/// <summary>The body of <c>POST /access/api-keys</c>.</summary>
public sealed record IssueApiKeyRequest(
    string? Principal, [property: EnumValues(typeof(Domain.Access.Role))] IReadOnlyList<string?>? Roles, [property: OptionalMember] string? Institution, DateTimeOffset? ExpiresAt,
    [property: OptionalMember] string? Description);

/// <summary>
/// A key just issued. <see cref="Key"/> is the only time the key is ever shown: the ledger keeps
/// only the SHA-256 of its secret. A replayed request (same Idempotency-Key and body) answers
/// null there: the key it issued the first time cannot be shown again; revoke it and issue another.
/// </summary>
public sealed record IssuedApiKey(
    Guid Id, string? Key, string Principal, IReadOnlyList<string> Roles, string? Institution, DateTimeOffset ExpiresAt,
    long Version, long FirstPosition, long LastPosition, DateTimeOffset RecordedAt, string Location)
{
    internal bool Replayed { get; init; }
}

internal sealed record IssueApiKeyCommand(IssueApiKeyRequest Body) : IRequest<IssuedApiKey>, IAdministration;

/// <summary>The key to issue, checked.</summary>
internal sealed record ValidIssueApiKey(string Principal, IReadOnlyList<Role> Roles, string? Institution, DateTimeOffset ExpiresAt, string Description)
{
    /// <summary>Checks the body; throws the 422 that names every wrong field.</summary>
    public static ValidIssueApiKey Parse(IssueApiKeyRequest body)
    {
        var errors = new FieldErrors();
        var principal = errors.Text("principal", body.Principal, maxLength: 200);
        if (ReservedPrincipals.IsReserved(principal))
        {
            errors.Add("principal", ReservedPrincipals.Reason);
        }

        var roles = errors.List("roles", body.Roles, max: 4) ? errors.OneOfEach<Role>("roles", body.Roles) : [];
        var institution = errors.OptionalText("institution", body.Institution, maxLength: 200);
        var expiresAt = errors.Required("expiresAt", body.ExpiresAt);
        var description = errors.Text("description", body.Description, maxLength: 500, required: false);
        errors.ThrowIfAny();
        return new(principal, roles, institution, expiresAt, description);
    }
}

/// <summary>Issues the key (its validation here, after the access check: this write answers the key, not a CommandResult).</summary>
internal sealed class HandleIssueApiKey(ApiKeyIssuer issuer) : IRequestHandler<IssueApiKeyCommand, IssuedApiKey>
{
    public async Task<IssuedApiKey> Handle(IssueApiKeyCommand request, CancellationToken cancellationToken)
    {
        var (principal, roles, institution, expiresAt, description) = ValidIssueApiKey.Parse(request.Body);
        var issued = await issuer.IssueAsync(principal, roles, institution, expiresAt, description, cancellationToken);
        var (result, key) = (issued.Result, issued.Issued);
        // A replay wrote nothing: the secret made for this attempt was never recorded, so it is not a key.
        return new IssuedApiKey(result.Id, result.Replayed ? null : issued.Key, key.Principal, key.Roles.Select(EnumNames.Name).ToList(), key.Institution,
            key.ExpiresAt, result.Version, result.FirstPosition, result.LastPosition, result.RecordedAt, result.Location)
        {
            Replayed = result.Replayed,
        };
    }
}
