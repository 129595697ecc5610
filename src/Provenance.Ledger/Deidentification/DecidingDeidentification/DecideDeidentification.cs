using Provenance.Domain.Common;
using Provenance.Domain.Deidentification;
using Provenance.Ledger.Access;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Validation;
using Decision = Provenance.Domain.Deidentification.DecideDeidentification;

namespace Provenance.Ledger.Deidentification.DecidingDeidentification;

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

public sealed record IdentifierDispositionRequest(
    [property: EnumValues(typeof(SafeHarborIdentifier))] string? Identifier, [property: EnumValues(typeof(IdentifierTreatment))] string? Treatment);

public sealed record ExpertDeterminationRequest(
    string? ExpertName, string? Qualifications, string? ReportReference, [property: OptionalMember] string? ReportSha256, DateOnly? DeterminedOn,
    decimal? RiskEstimate, decimal? RiskThreshold, [property: OptionalMember] IReadOnlyList<string?>? Conditions, [property: OptionalMember] DateOnly? ExpiresOn);

public sealed record LimitedDataSetRequest(string? DataUseAgreementReference);

public sealed record NotPhiRequest(string? Justification);

/// <summary>Record a de-identification decision on a dataset version, as sent.</summary>
internal sealed record DecideDeidentificationCommand(Guid DatasetId, int Version, Precondition? IfMatch, DeidentificationRequest Body)
    : ICommand<DecideDeidentificationCommand.Valid>, IDatasetWrite
{
    /// <summary>The decision, checked: the method's details, the others null.</summary>
    internal sealed record Valid(
        Guid DatasetId, int Version, Precondition? IfMatch, DeidentificationMethod Method, SafeHarborDetails? SafeHarbor,
        ExpertDeterminationDetails? ExpertDetermination, LimitedDataSetDetails? LimitedDataSet, NotPhiDetails? NotPhi,
        DecisionOutcome Outcome, string DecidedBy, DateTimeOffset DecidedAt);
}

internal sealed class DecideDeidentificationParser : ICommandParser<DecideDeidentificationCommand, DecideDeidentificationCommand.Valid>
{
    public DecideDeidentificationCommand.Valid Parse(DecideDeidentificationCommand command, FieldErrors errors)
    {
        var body = command.Body;
        var method = errors.OneOf<DeidentificationMethod>("method", body.Method);
        var outcome = errors.OneOf<DecisionOutcome>("outcome", body.Outcome);
        var decidedBy = errors.Text("decidedBy", body.DecidedBy, maxLength: 200);
        var decidedAt = errors.Required("decidedAt", body.DecidedAt);
        SafeHarborDetails? safeHarbor = null;
        if (body.SafeHarbor is { } s)
        {
            var identifiers = new List<IdentifierDisposition>();
            if (errors.List("safeHarbor.identifiers", s.Identifiers, max: 18))
            {
                for (var i = 0; i < s.Identifiers.Count; i++)
                {
                    identifiers.Add(new IdentifierDisposition(
                        errors.OneOf<SafeHarborIdentifier>($"safeHarbor.identifiers[{i}].identifier", s.Identifiers[i]?.Identifier),
                        errors.OneOf<IdentifierTreatment>($"safeHarbor.identifiers[{i}].treatment", s.Identifiers[i]?.Treatment)));
                }
            }

            safeHarbor = new SafeHarborDetails(identifiers, errors.Required("safeHarbor.noActualKnowledge", s.NoActualKnowledge));
        }

        ExpertDeterminationDetails? expert = null;
        if (body.ExpertDetermination is { } e)
        {
            var name = errors.Text("expertDetermination.expertName", e.ExpertName, maxLength: 200);
            var qualifications = errors.Text("expertDetermination.qualifications", e.Qualifications, maxLength: 2000, multiline: true);
            var report = errors.Text("expertDetermination.reportReference", e.ReportReference, maxLength: 500);
            var reportSha256 = errors.Sha256("expertDetermination.reportSha256", e.ReportSha256, required: false);
            var determinedOn = errors.Required("expertDetermination.determinedOn", e.DeterminedOn);
            var estimate = errors.Required("expertDetermination.riskEstimate", e.RiskEstimate);
            var threshold = errors.Required("expertDetermination.riskThreshold", e.RiskThreshold);
            var conditions = (e.Conditions ?? []).Select((c, i) => errors.Text($"expertDetermination.conditions[{i}]", c, maxLength: 1000)).ToList();
            expert = new ExpertDeterminationDetails(name, qualifications, report, reportSha256.Length == 0 ? null : reportSha256.ToLowerInvariant(),
                determinedOn, estimate, threshold, conditions, e.ExpiresOn);
        }

        var limited = body.LimitedDataSet is { } l
            ? new LimitedDataSetDetails(errors.Text("limitedDataSet.dataUseAgreementReference", l.DataUseAgreementReference, maxLength: 500))
            : null;
        var notPhi = body.NotPhi is { } n
            ? new NotPhiDetails(errors.Text("notPhi.justification", n.Justification, maxLength: 4000, multiline: true))
            : null;
        return new(command.DatasetId, command.Version, command.IfMatch, method, safeHarbor, expert, limited, notPhi, outcome, decidedBy, decidedAt);
    }
}

internal sealed class HandleDecideDeidentification(Aggregates aggregates, LedgerWriter ledger) : ICommandHandler<DecideDeidentificationCommand.Valid>
{
    public async Task<CommandResult> HandleAsync(DecideDeidentificationCommand.Valid command, CancellationToken cancellationToken)
    {
        var (datasetId, number, ifMatch, method, safeHarbor, expert, limited, notPhi, outcome, decidedBy, decidedAt) = command;
        var (dataset, version) = await aggregates.DatasetAsync(datasetId, cancellationToken);
        // The precondition first (#14): a stale If-Match is 412, whatever the rules would say.
        var expected = Precondition.Check(ifMatch, version);
        var decision = Decision.Decide(dataset, new DeidentificationDecided(
            datasetId, number, Guid.CreateVersion7(), method, safeHarbor, expert, limited, notPhi, outcome, decidedBy, decidedAt));
        return await ledger.AppendAsync(datasetId, StreamTypes.Dataset, expected, [decision],
            $"/datasets/{datasetId}/deidentification-decisions/{decision.DecisionId}", cancellationToken);
    }
}
