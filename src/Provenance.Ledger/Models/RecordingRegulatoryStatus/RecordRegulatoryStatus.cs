using System.Text.RegularExpressions;
using Provenance.Domain.Common;
using Provenance.Domain.Models;
using Provenance.Ledger.Access;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Validation;

namespace Provenance.Ledger.Models.RecordingRegulatoryStatus;

/// <summary>The body of <c>POST /models/{id}/regulatory-status</c>.</summary>
public sealed record RecordRegulatoryStatusRequest(
    [property: EnumValues(typeof(RegulatoryStatusKind))] string? Status,
    DateOnly? EffectiveFrom,
    [property: OptionalMember] IReadOnlyList<CdsCriterionRequest>? CdsCriteria,
    [property: OptionalMember] DeviceAuthorizationRequest? Device,
    [property: OptionalMember] string? Basis,
    [property: OptionalMember] EuFactsRequest? Eu);

/// <summary>One 520(o)(1)(E) criterion (1–4) and why it is met.</summary>
public sealed record CdsCriterionRequest(int? Criterion, string? Justification);

/// <summary>A marketing authorization, as sent.</summary>
public sealed record DeviceAuthorizationRequest(
    [property: EnumValues(typeof(DeviceClass))] string? Class,
    [property: EnumValues(typeof(MarketingPathway))] string? Pathway,
    [property: OptionalMember] string? SubmissionNumber,
    string? ProductCode,
    DateOnly? DecisionDate,
    string? IndicationsForUse,
    string? AuthorizedVersion);

/// <summary>EU facts, as sent.</summary>
public sealed record EuFactsRequest(
    [property: OptionalMember, EnumValues(typeof(AiActRiskCategory))] string? AiActRiskCategory,
    [property: OptionalMember, EnumValues(typeof(MdrClass))] string? MdrClass);

/// <summary>Record a model's regulatory status, as sent.</summary>
internal sealed record RecordRegulatoryStatusCommand(Guid ModelId, Precondition? IfMatch, RecordRegulatoryStatusRequest Body)
    : ICommand<RecordRegulatoryStatusCommand.Valid>, IModelWrite
{
    internal sealed record Valid(
        Guid ModelId, Precondition? IfMatch, RegulatoryStatusKind Status, DateOnly EffectiveFrom, IReadOnlyList<CdsCriterionAttestation>? CdsCriteria,
        DeviceAuthorization? Device, string? Basis, EuRegulatoryFacts? Eu);
}

internal sealed partial class RecordRegulatoryStatusParser : ICommandParser<RecordRegulatoryStatusCommand, RecordRegulatoryStatusCommand.Valid>
{
    public RecordRegulatoryStatusCommand.Valid Parse(RecordRegulatoryStatusCommand command, FieldErrors errors)
    {
        var body = command.Body;
        var status = errors.OneOf<RegulatoryStatusKind>("status", body.Status);
        var effectiveFrom = errors.Required("effectiveFrom", body.EffectiveFrom);
        // Every member sent is checked on its own, then against the status it belongs to.
        var criteria = body.CdsCriteria is null ? null : Criteria(errors, body.CdsCriteria);
        var device = body.Device is null ? null : Device(errors, body.Device);
        var basis = errors.OptionalText("basis", body.Basis, maxLength: 4000, multiline: true);
        if (status != RegulatoryStatusKind.NonDeviceCds)
        {
            errors.NotHere("cdsCriteria", body.CdsCriteria, "a non-device-cds status");
        }

        if (status == RegulatoryStatusKind.MarketedDevice)
        {
            errors.Present("device", body.Device);
        }
        else
        {
            errors.NotHere("device", body.Device, "a marketed-device status");
        }

        if (status is RegulatoryStatusKind.NotADevice or RegulatoryStatusKind.EnforcementDiscretion && basis is null && body.Status is not null)
        {
            errors.Add("basis", $"is required for a {Names.Of(status)} status: say why");
        }

        EuRegulatoryFacts? eu = body.Eu is { } e
            ? new(e.AiActRiskCategory is null ? null : errors.OneOf<AiActRiskCategory>("eu.aiActRiskCategory", e.AiActRiskCategory),
                e.MdrClass is null ? null : errors.OneOf<MdrClass>("eu.mdrClass", e.MdrClass))
            : null;
        return new(command.ModelId, command.IfMatch, status, effectiveFrom, criteria, device, basis, eu);
    }

    private static List<CdsCriterionAttestation> Criteria(FieldErrors errors, IReadOnlyList<CdsCriterionRequest> items)
    {
        var criteria = new List<CdsCriterionAttestation>();
        for (var i = 0; i < items.Count; i++)
        {
            var criterion = errors.Required($"cdsCriteria[{i}].criterion", items[i]?.Criterion);
            if (items[i]?.Criterion is not null && criterion is < 1 or > 4)
            {
                errors.Add($"cdsCriteria[{i}].criterion", "must be 1, 2, 3 or 4 (the criteria of FD&C Act 520(o)(1)(E))");
            }
            else if (criteria.Any(c => c.Criterion == criterion))
            {
                errors.Add($"cdsCriteria[{i}].criterion", $"criterion {criterion} is attested twice");
            }

            criteria.Add(new(criterion, errors.Text($"cdsCriteria[{i}].justification", items[i]?.Justification, maxLength: 4000, multiline: true)));
        }

        return criteria;
    }

    private static DeviceAuthorization Device(FieldErrors errors, DeviceAuthorizationRequest device)
    {
        var pathway = errors.OneOf<MarketingPathway>("device.pathway", device.Pathway);
        string? number = null;
        if (pathway == MarketingPathway.Exempt)
        {
            errors.NotHere("device.submissionNumber", device.SubmissionNumber, "a 510(k), De Novo or PMA authorization");
        }
        else
        {
            number = errors.Text("device.submissionNumber", device.SubmissionNumber, maxLength: 20);
            var (pattern, form) = pathway switch
            {
                MarketingPathway.PremarketNotification => (Premarket(), "K and 6 digits (e.g. K231234) for a 510(k)"),
                MarketingPathway.DeNovo => (DeNovo(), "DEN and 6 digits (e.g. DEN230045) for a De Novo"),
                _ => (Pma(), "P and 6 digits (e.g. P200012) for a PMA"),
            };
            if (number.Length > 0 && !pattern.IsMatch(number))
            {
                errors.Add("device.submissionNumber", "must be " + form);
            }
        }

        var productCode = errors.Text("device.productCode", device.ProductCode, maxLength: 3);
        if (productCode.Length > 0 && !ProductCode().IsMatch(productCode))
        {
            errors.Add("device.productCode", "must be the FDA's three-letter product code, in capitals (e.g. QIH)");
        }

        return new DeviceAuthorization(
            errors.OneOf<DeviceClass>("device.class", device.Class), pathway, number, productCode,
            errors.Required("device.decisionDate", device.DecisionDate),
            errors.Text("device.indicationsForUse", device.IndicationsForUse, maxLength: 4000, multiline: true),
            ModelVersionName.Parse(errors, "device.authorizedVersion", device.AuthorizedVersion));
    }


    [GeneratedRegex("^K[0-9]{6}$")]
    private static partial Regex Premarket();

    [GeneratedRegex("^DEN[0-9]{6}$")]
    private static partial Regex DeNovo();

    [GeneratedRegex("^P[0-9]{6}$")]
    private static partial Regex Pma();

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex ProductCode();
}

internal sealed class HandleRecordRegulatoryStatus(Aggregates aggregates, LedgerWriter ledger, RequestContext context, TimeProvider clock)
    : ICommandHandler<RecordRegulatoryStatusCommand.Valid>
{
    public async Task<CommandResult> HandleAsync(RecordRegulatoryStatusCommand.Valid command, CancellationToken cancellationToken)
    {
        var (modelId, ifMatch, status, effectiveFrom, criteria, device, basis, eu) = command;
        var (model, version) = await aggregates.ModelAsync(modelId, cancellationToken);
        var expected = Precondition.Check(ifMatch, version);
        var trainingDatasets = status == RegulatoryStatusKind.NonDeviceCds
            ? await aggregates.DatasetsAsync([.. model.Versions.SelectMany(v => v.TrainingInputs).Select(i => i.DatasetId).Distinct()], cancellationToken)
            : new Dictionary<Guid, Domain.Datasets.Dataset>();
        var recorded = ManageRegulatory.RecordStatus(model,
            new RegulatoryStatusRecorded(modelId, Guid.CreateVersion7(), status, effectiveFrom, criteria, device, basis, eu, context.ActorId, clock.GetUtcNow()),
            trainingDatasets);
        return await ledger.AppendAsync(modelId, StreamTypes.Model, expected, [recorded], $"/models/{modelId}", cancellationToken);
    }
}
