using MediatR;
using Provenance.Ledger.Access;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Validation;
using Provenance.Domain.Common;
using Provenance.Domain.Irb;

namespace Provenance.Ledger.Irb;

public sealed record IrbTermsRequest([property: OptionalMember] DateOnly? ExpiresOn, [property: EnumValues(typeof(PermittedUse))] IReadOnlyList<string?>? PermittedUses, IReadOnlyList<Guid>? CoveredDatasetIds);

/// <summary>The body of <c>POST /irb/protocols</c>: an approval (or exempt determination).</summary>
public sealed record ApproveProtocolRequest(
    string? IrbName, string? IrbRegistration, string? ProtocolNumber, string? Title, string? PrincipalInvestigator,
    [property: EnumValues(typeof(ReviewType))] string? ReviewType, [property: OptionalMember] int? ExemptCategory, DateOnly? ApprovedOn, [property: EnumValues(typeof(ConsentBasis))] string? ConsentBasis, IrbTermsRequest? Terms);

public sealed record AmendProtocolRequest(DateOnly? EffectiveOn, IrbTermsRequest? Terms, string? Summary);

/// <summary>A suspension, reinstatement, termination or closure.</summary>
public sealed record ProtocolStatusRequest(DateOnly? EffectiveOn, string? Reason);

internal sealed record ApproveProtocolCommand(ApproveProtocolRequest Body) : ICommand, IIrbWrite;

internal sealed record AmendProtocolCommand(Guid ProtocolId, Precondition? IfMatch, AmendProtocolRequest Body) : ICommand, IIrbWrite;

internal sealed record ChangeProtocolStatusCommand(Guid ProtocolId, IrbStatus To, bool Close, Precondition? IfMatch, ProtocolStatusRequest Body) : ICommand, IIrbWrite;

internal static class IrbValidation
{
    public static void Terms(FieldErrors errors, IrbTermsRequest? terms)
    {
        if (terms is null)
        {
            errors.Add("terms", "is required");
            return;
        }

        errors.OneOfEach<PermittedUse>("terms.permittedUses", terms.PermittedUses);
        errors.List("terms.coveredDatasetIds", terms.CoveredDatasetIds, max: 10_000);
    }

    public static IrbTerms ToTerms(IrbTermsRequest terms) =>
        new(terms.ExpiresOn, Parse.Enums<PermittedUse>(terms.PermittedUses), terms.CoveredDatasetIds!.ToList());

    public static Task<HashSet<Guid>> ExistingDatasetsAsync(Aggregates aggregates, IrbTermsRequest terms, CancellationToken cancellationToken) =>
        aggregates.ExistingDatasetIdsAsync(terms.CoveredDatasetIds!.Distinct().ToList(), cancellationToken);
}

internal sealed class ApproveProtocolValidator : IValidator<ApproveProtocolCommand>
{
    public void Validate(ApproveProtocolCommand request, FieldErrors errors)
    {
        var body = request.Body;
        errors.Text("irbName", body.IrbName, maxLength: 300);
        errors.Text("irbRegistration", body.IrbRegistration, maxLength: 100);
        errors.Text("protocolNumber", body.ProtocolNumber, maxLength: 100);
        errors.Text("title", body.Title, maxLength: 1000);
        errors.Text("principalInvestigator", body.PrincipalInvestigator, maxLength: 300);
        errors.OneOf<ReviewType>("reviewType", body.ReviewType);
        errors.Required("approvedOn", body.ApprovedOn);
        errors.OneOf<ConsentBasis>("consentBasis", body.ConsentBasis);
        IrbValidation.Terms(errors, body.Terms);
    }
}

internal sealed class AmendProtocolValidator : IValidator<AmendProtocolCommand>
{
    public void Validate(AmendProtocolCommand request, FieldErrors errors)
    {
        errors.Required("effectiveOn", request.Body.EffectiveOn);
        errors.Text("summary", request.Body.Summary, maxLength: 2000, multiline: true);
        IrbValidation.Terms(errors, request.Body.Terms);
    }
}

internal sealed class ChangeProtocolStatusValidator : IValidator<ChangeProtocolStatusCommand>
{
    public void Validate(ChangeProtocolStatusCommand request, FieldErrors errors)
    {
        errors.Required("effectiveOn", request.Body.EffectiveOn);
        errors.Text("reason", request.Body.Reason, maxLength: 2000, multiline: true);
    }
}

internal sealed class HandleApproveProtocol(Aggregates aggregates, LedgerWriter ledger, RequestContext context, TimeProvider clock)
    : IRequestHandler<ApproveProtocolCommand, CommandResult>
{
    public async Task<CommandResult> Handle(ApproveProtocolCommand request, CancellationToken cancellationToken)
    {
        var body = request.Body;
        var approved = ManageIrbProtocol.Approve(new IrbProtocolApproved(
            Guid.CreateVersion7(), body.IrbName!.Trim(), body.IrbRegistration!.Trim(), body.ProtocolNumber!.Trim(), body.Title!.Trim(),
            body.PrincipalInvestigator!.Trim(), EnumNames.Parse<ReviewType>(body.ReviewType!), body.ExemptCategory, body.ApprovedOn!.Value,
            EnumNames.Parse<ConsentBasis>(body.ConsentBasis!), IrbValidation.ToTerms(body.Terms!), context.ActorId, clock.GetUtcNow()),
            await IrbValidation.ExistingDatasetsAsync(aggregates, body.Terms!, cancellationToken));
        return await ledger.AppendAsync(approved.ProtocolId, StreamTypes.IrbProtocol, EventStore.ExpectedVersion.NoStream, [approved],
            $"/irb/protocols/{approved.ProtocolId}", cancellationToken);
    }
}

internal sealed class HandleAmendProtocol(Aggregates aggregates, LedgerWriter ledger, RequestContext context, TimeProvider clock)
    : IRequestHandler<AmendProtocolCommand, CommandResult>
{
    public async Task<CommandResult> Handle(AmendProtocolCommand request, CancellationToken cancellationToken)
    {
        var (protocolId, ifMatch, body) = request;
        var (protocol, version) = await aggregates.ProtocolAsync(protocolId, cancellationToken);
        // The precondition first (#14): a stale If-Match is 412, whatever the rules would say.
        var expected = Precondition.Check(ifMatch, version);
        var amended = ManageIrbProtocol.Amend(protocol, new IrbProtocolAmended(
            protocolId, body.EffectiveOn!.Value, IrbValidation.ToTerms(body.Terms!), Parse.Trimmed(body.Summary), context.ActorId, clock.GetUtcNow()),
            await IrbValidation.ExistingDatasetsAsync(aggregates, body.Terms!, cancellationToken));
        return await ledger.AppendAsync(protocolId, StreamTypes.IrbProtocol, expected, [amended],
            $"/irb/protocols/{protocolId}", cancellationToken);
    }
}

internal sealed class HandleChangeProtocolStatus(Aggregates aggregates, LedgerWriter ledger, RequestContext context, TimeProvider clock)
    : IRequestHandler<ChangeProtocolStatusCommand, CommandResult>
{
    public async Task<CommandResult> Handle(ChangeProtocolStatusCommand request, CancellationToken cancellationToken)
    {
        var (protocolId, to, close, ifMatch, body) = request;
        var (protocol, version) = await aggregates.ProtocolAsync(protocolId, cancellationToken);
        // The precondition first (#14): a stale If-Match is 412, whatever the rules would say.
        var expected = Precondition.Check(ifMatch, version);
        var (on, reason, by, at) = (body.EffectiveOn!.Value, Parse.Trimmed(body.Reason), context.ActorId, clock.GetUtcNow());
        object change = (to, close) switch
        {
            (IrbStatus.Suspended, _) => new IrbProtocolSuspended(protocolId, on, reason, by, at),
            (IrbStatus.Active, _) => new IrbProtocolReinstated(protocolId, on, reason, by, at),
            (_, true) => new IrbProtocolClosed(protocolId, on, reason, by, at),
            _ => new IrbProtocolTerminated(protocolId, on, reason, by, at),
        };
        ManageIrbProtocol.ChangeStatus(protocol, change, on, close ? IrbStatus.Closed : to);
        return await ledger.AppendAsync(protocolId, StreamTypes.IrbProtocol, expected, [change],
            $"/irb/protocols/{protocolId}", cancellationToken);
    }
}
