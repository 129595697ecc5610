using MediatR;
using Provenance.Ledger.Access;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Validation;
using Provenance.Domain.Common;
using Provenance.Domain.Deidentification;

namespace Provenance.Ledger.Deidentification;

/// <summary>The body of <c>POST /datasets/{id}/versions/{v}/deidentification-decisions</c>.</summary>
public sealed record DeidentificationRequest(
    [property: EnumValues(typeof(DeidentificationMethod))] string? Method,
    [property: OptionalMember] SafeHarborRequest? SafeHarbor,
    [property: OptionalMember] ExpertDeterminationRequest? ExpertDetermination,
    [property: OptionalMember] LimitedDataSetRequest? LimitedDataSet,
    [property: OptionalMember] NotPhiRequest? NotPhi,
    [property: EnumValues(typeof(DecisionOutcome))] string? Outcome,
    string? DecidedBy,
    DateTimeOffset? DecidedAt);

public sealed record SafeHarborRequest(IReadOnlyList<IdentifierDispositionRequest>? Identifiers, bool? NoActualKnowledge);

public sealed record IdentifierDispositionRequest([property: EnumValues(typeof(SafeHarborIdentifier))] string? Identifier, [property: EnumValues(typeof(IdentifierTreatment))] string? Treatment);

public sealed record ExpertDeterminationRequest(
    string? ExpertName, string? Qualifications, string? ReportReference, [property: OptionalMember] string? ReportSha256, DateOnly? DeterminedOn,
    decimal? RiskEstimate, decimal? RiskThreshold, [property: OptionalMember] IReadOnlyList<string?>? Conditions, [property: OptionalMember] DateOnly? ExpiresOn);

public sealed record LimitedDataSetRequest(string? DataUseAgreementReference);

public sealed record NotPhiRequest(string? Justification);

public sealed record RescissionRequest(string? Reason, [property: OptionalMember] DateTimeOffset? RescindedAt);

internal sealed record DecideDeidentificationCommand(Guid DatasetId, int Version, Precondition? IfMatch, DeidentificationRequest Body) : ICommand, IDatasetWrite;

internal sealed record RescindDeidentificationCommand(Guid DatasetId, Guid DecisionId, Precondition? IfMatch, RescissionRequest Body) : ICommand, IDatasetWrite;

internal sealed class DecideDeidentificationValidator : IValidator<DecideDeidentificationCommand>
{
    public void Validate(DecideDeidentificationCommand request, FieldErrors errors)
    {
        var body = request.Body;
        errors.OneOf<DeidentificationMethod>("method", body.Method);
        errors.OneOf<DecisionOutcome>("outcome", body.Outcome);
        errors.Text("decidedBy", body.DecidedBy, maxLength: 200);
        errors.Required("decidedAt", body.DecidedAt);
        if (body.SafeHarbor is { } safeHarbor)
        {
            if (errors.List("safeHarbor.identifiers", safeHarbor.Identifiers, max: 18))
            {
                for (var i = 0; i < safeHarbor.Identifiers!.Count; i++)
                {
                    errors.OneOf<SafeHarborIdentifier>($"safeHarbor.identifiers[{i}].identifier", safeHarbor.Identifiers[i]?.Identifier);
                    errors.OneOf<IdentifierTreatment>($"safeHarbor.identifiers[{i}].treatment", safeHarbor.Identifiers[i]?.Treatment);
                }
            }

            errors.Required("safeHarbor.noActualKnowledge", safeHarbor.NoActualKnowledge);
        }

        if (body.ExpertDetermination is { } expert)
        {
            errors.Text("expertDetermination.expertName", expert.ExpertName, maxLength: 200);
            errors.Text("expertDetermination.qualifications", expert.Qualifications, maxLength: 2000, multiline: true);
            errors.Text("expertDetermination.reportReference", expert.ReportReference, maxLength: 500);
            errors.Sha256("expertDetermination.reportSha256", expert.ReportSha256, required: false);
            errors.Required("expertDetermination.determinedOn", expert.DeterminedOn);
            errors.Required("expertDetermination.riskEstimate", expert.RiskEstimate);
            errors.Required("expertDetermination.riskThreshold", expert.RiskThreshold);
            for (var i = 0; i < (expert.Conditions?.Count ?? 0); i++)
            {
                errors.Text($"expertDetermination.conditions[{i}]", expert.Conditions![i], maxLength: 1000);
            }
        }

        if (body.LimitedDataSet is { } limited)
        {
            errors.Text("limitedDataSet.dataUseAgreementReference", limited.DataUseAgreementReference, maxLength: 500);
        }

        if (body.NotPhi is { } notPhi)
        {
            errors.Text("notPhi.justification", notPhi.Justification, maxLength: 4000, multiline: true);
        }
    }
}

internal sealed class RescindDeidentificationValidator : IValidator<RescindDeidentificationCommand>
{
    public void Validate(RescindDeidentificationCommand request, FieldErrors errors) =>
        errors.Text("reason", request.Body.Reason, maxLength: 2000, multiline: true);
}

internal sealed class HandleDecideDeidentification(Aggregates aggregates, LedgerWriter ledger)
    : IRequestHandler<DecideDeidentificationCommand, CommandResult>
{
    public async Task<CommandResult> Handle(DecideDeidentificationCommand request, CancellationToken cancellationToken)
    {
        var (datasetId, number, ifMatch, body) = request;
        var (dataset, version) = await aggregates.DatasetAsync(datasetId, cancellationToken);
        // The precondition first (#14): a stale If-Match is 412, whatever the rules would say.
        var expected = Precondition.Check(ifMatch, version);
        var decision = DecideDeidentification.Decide(dataset, new DeidentificationDecided(
            datasetId, number, Guid.CreateVersion7(), EnumNames.Parse<DeidentificationMethod>(body.Method!),
            body.SafeHarbor is { } s
                ? new SafeHarborDetails(s.Identifiers!.Select(i => new IdentifierDisposition(
                    EnumNames.Parse<SafeHarborIdentifier>(i!.Identifier!), EnumNames.Parse<IdentifierTreatment>(i.Treatment!))).ToList(), s.NoActualKnowledge!.Value)
                : null,
            body.ExpertDetermination is { } e
                ? new ExpertDeterminationDetails(e.ExpertName!.Trim(), e.Qualifications!.Trim(), e.ReportReference!.Trim(), e.ReportSha256?.ToLowerInvariant(),
                    e.DeterminedOn!.Value, e.RiskEstimate!.Value, e.RiskThreshold!.Value, (e.Conditions ?? []).Select(Parse.Trimmed).ToList(), e.ExpiresOn)
                : null,
            body.LimitedDataSet is { } l ? new LimitedDataSetDetails(l.DataUseAgreementReference!.Trim()) : null,
            body.NotPhi is { } n ? new NotPhiDetails(n.Justification!.Trim()) : null,
            EnumNames.Parse<DecisionOutcome>(body.Outcome!), body.DecidedBy!.Trim(), body.DecidedAt!.Value));
        return await ledger.AppendAsync(datasetId, StreamTypes.Dataset, expected, [decision],
            $"/datasets/{datasetId}/deidentification-decisions/{decision.DecisionId}", cancellationToken);
    }
}

internal sealed class HandleRescindDeidentification(Aggregates aggregates, LedgerWriter ledger, RequestContext context, TimeProvider clock)
    : IRequestHandler<RescindDeidentificationCommand, CommandResult>
{
    public async Task<CommandResult> Handle(RescindDeidentificationCommand request, CancellationToken cancellationToken)
    {
        var (datasetId, decisionId, ifMatch, body) = request;
        var (dataset, version) = await aggregates.DatasetAsync(datasetId, cancellationToken);
        // The precondition first (#14): a stale If-Match is 412, whatever the rules would say.
        var expected = Precondition.Check(ifMatch, version);
        var rescinded = DecideDeidentification.Rescind(dataset, decisionId, Parse.Trimmed(body.Reason), context.ActorId, body.RescindedAt ?? clock.GetUtcNow());
        return await ledger.AppendAsync(datasetId, StreamTypes.Dataset, expected, [rescinded],
            $"/datasets/{datasetId}/deidentification-decisions/{decisionId}", cancellationToken);
    }
}
