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

internal sealed class IssueApiKeyValidator : IValidator<IssueApiKeyCommand>
{
    public void Validate(IssueApiKeyCommand request, FieldErrors errors)
    {
        var body = request.Body;
        errors.Text("principal", body.Principal, maxLength: 200);
        if (ReservedPrincipals.IsReserved(body.Principal))
        {
            errors.Add("principal", ReservedPrincipals.Reason);
        }
        if (errors.List("roles", body.Roles, max: 4))
        {
            errors.OneOfEach<Role>("roles", body.Roles);
        }

        errors.Text("institution", body.Institution, maxLength: 200, required: false);
        errors.Required("expiresAt", body.ExpiresAt);
        errors.Text("description", body.Description, maxLength: 500, required: false);
    }
}

internal sealed class HandleIssueApiKey(ApiKeyIssuer issuer) : IRequestHandler<IssueApiKeyCommand, IssuedApiKey>
{
    public async Task<IssuedApiKey> Handle(IssueApiKeyCommand request, CancellationToken cancellationToken)
    {
        var (principal, roles, institution, expiresAt, description) = request.Body;
        var issued = await issuer.IssueAsync(principal!.Trim(), Parse.Enums<Role>(roles), institution?.Trim(), expiresAt!.Value,
            Parse.Trimmed(description), cancellationToken);
        var (result, key) = (issued.Result, issued.Issued);
        // A replay wrote nothing: the secret made for this attempt was never recorded, so it is not a key.
        return new IssuedApiKey(result.Id, result.Replayed ? null : issued.Key, key.Principal, key.Roles.Select(EnumNames.Name).ToList(), key.Institution,
            key.ExpiresAt, result.Version, result.FirstPosition, result.LastPosition, result.RecordedAt, result.Location)
        {
            Replayed = result.Replayed,
        };
    }
}
