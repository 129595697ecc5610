using Provenance.Domain.Common;
using Provenance.Domain.Irb;
using Provenance.EventStore;
using Provenance.Ledger.Access;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Validation;

namespace Provenance.Ledger.Irb.ApprovingProtocol;

/// <summary>The body of <c>POST /irb/protocols</c>: an approval (or exempt determination).</summary>
public sealed record ApproveProtocolRequest(
    string? IrbName, string? IrbRegistration, string? ProtocolNumber, string? Title, string? PrincipalInvestigator,
    [property: EnumValues(typeof(ReviewType))] string? ReviewType, [property: OptionalMember] int? ExemptCategory, DateOnly? ApprovedOn,
    [property: EnumValues(typeof(ConsentBasis))] string? ConsentBasis, IrbTermsRequest? Terms);

/// <summary>Record an IRB approval, as sent.</summary>
internal sealed record ApproveProtocolCommand(ApproveProtocolRequest Body) : ICommand<ApproveProtocolCommand.Valid>, IIrbWrite
{
    internal sealed record Valid(
        string IrbName, string IrbRegistration, string ProtocolNumber, string Title, string PrincipalInvestigator, ReviewType ReviewType,
        int? ExemptCategory, DateOnly ApprovedOn, ConsentBasis ConsentBasis, IrbTerms Terms);
}

internal sealed class ApproveProtocolParser : ICommandParser<ApproveProtocolCommand, ApproveProtocolCommand.Valid>
{
    public ApproveProtocolCommand.Valid Parse(ApproveProtocolCommand command, FieldErrors errors)
    {
        var body = command.Body;
        return new(
            errors.Text("irbName", body.IrbName, maxLength: 300),
            errors.Text("irbRegistration", body.IrbRegistration, maxLength: 100),
            errors.Text("protocolNumber", body.ProtocolNumber, maxLength: 100),
            errors.Text("title", body.Title, maxLength: 1000),
            errors.Text("principalInvestigator", body.PrincipalInvestigator, maxLength: 300),
            errors.OneOf<ReviewType>("reviewType", body.ReviewType),
            body.ExemptCategory,
            errors.Required("approvedOn", body.ApprovedOn),
            errors.OneOf<ConsentBasis>("consentBasis", body.ConsentBasis),
            IrbTermsRequest.Parse(errors, body.Terms));
    }
}

internal sealed class HandleApproveProtocol(Aggregates aggregates, LedgerWriter ledger, RequestContext context, TimeProvider clock)
    : ICommandHandler<ApproveProtocolCommand.Valid>
{
    public async Task<CommandResult> HandleAsync(ApproveProtocolCommand.Valid command, CancellationToken cancellationToken)
    {
        var (irbName, registration, number, title, investigator, reviewType, exemptCategory, approvedOn, consentBasis, terms) = command;
        var approved = ManageIrbProtocol.Approve(
            new IrbProtocolApproved(Guid.CreateVersion7(), irbName, registration, number, title, investigator, reviewType, exemptCategory, approvedOn,
                consentBasis, terms, context.ActorId, clock.GetUtcNow()),
            await aggregates.ExistingDatasetIdsAsync(terms.CoveredDatasetIds.Distinct().ToList(), cancellationToken));
        return await ledger.AppendAsync(approved.ProtocolId, StreamTypes.IrbProtocol, ExpectedVersion.NoStream, [approved],
            $"/irb/protocols/{approved.ProtocolId}", cancellationToken);
    }
}
