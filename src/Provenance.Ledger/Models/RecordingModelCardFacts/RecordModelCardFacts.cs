using Provenance.Domain.Common;
using Provenance.Domain.Models;
using Provenance.Ledger.Access;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Validation;

namespace Provenance.Ledger.Models.RecordingModelCardFacts;

/// <summary>The body of <c>PUT /models/{id}/versions/{modelVersion}/model-card-facts</c>: the human-written facts of the model card.</summary>
public sealed record RecordModelCardFactsRequest(
    string? DeveloperContact, string? ReleaseStage, string? GlobalAvailability, string? Summary, IReadOnlyList<string?>? Keywords,
    string? IntendedUseAndWorkflow, string? PrimaryIntendedUsers, string? HowToUse, string? TargetedPatientPopulation, string? CautionedOutOfScopeSettings,
    string? KnownRisksAndLimitations, string? KnownBiasesOrEthicalConsiderations, string? ClinicalRiskLevel, string? OutcomesAndOutputs, string? ModelType,
    [property: OptionalMember] string? FoundationModels, string? InputAndOutputDataTypes, string? BiasMitigationApproaches, string? MaintenancePlan,
    [property: OptionalMember] string? Security, string? FundingSource, string? StakeholdersConsulted, string? Publications);

/// <summary>Record a model version's model card facts, as sent.</summary>
internal sealed record RecordModelCardFactsCommand(Guid ModelId, string ModelVersion, Precondition? IfMatch, RecordModelCardFactsRequest Body)
    : ICommand<RecordModelCardFactsCommand.Valid>, IModelWrite
{
    internal sealed record Valid(Guid ModelId, string ModelVersion, Precondition? IfMatch, ModelCardFacts Facts);
}

internal sealed class RecordModelCardFactsParser : ICommandParser<RecordModelCardFactsCommand, RecordModelCardFactsCommand.Valid>
{
    private const int Long = 8000;

    public RecordModelCardFactsCommand.Valid Parse(RecordModelCardFactsCommand command, FieldErrors errors)
    {
        var b = command.Body;
        string Text(string field, string? value, int max = Long) => errors.Text(field, value, maxLength: max, multiline: max == Long);
        var keywords = new List<string>();
        if (errors.List("keywords", b.Keywords, max: 50))
        {
            keywords.AddRange(b.Keywords.Select((k, i) => errors.Text($"keywords[{i}]", k, maxLength: 100)));
        }

        var facts = new ModelCardFacts(
            Text("developerContact", b.DeveloperContact, 300), Text("releaseStage", b.ReleaseStage, 100), Text("globalAvailability", b.GlobalAvailability, 500),
            Text("summary", b.Summary), keywords, Text("intendedUseAndWorkflow", b.IntendedUseAndWorkflow), Text("primaryIntendedUsers", b.PrimaryIntendedUsers),
            Text("howToUse", b.HowToUse), Text("targetedPatientPopulation", b.TargetedPatientPopulation), Text("cautionedOutOfScopeSettings", b.CautionedOutOfScopeSettings),
            Text("knownRisksAndLimitations", b.KnownRisksAndLimitations), Text("knownBiasesOrEthicalConsiderations", b.KnownBiasesOrEthicalConsiderations),
            Text("clinicalRiskLevel", b.ClinicalRiskLevel), Text("outcomesAndOutputs", b.OutcomesAndOutputs), Text("modelType", b.ModelType),
            errors.OptionalText("foundationModels", b.FoundationModels, maxLength: Long, multiline: true), Text("inputAndOutputDataTypes", b.InputAndOutputDataTypes),
            Text("biasMitigationApproaches", b.BiasMitigationApproaches), Text("maintenancePlan", b.MaintenancePlan),
            errors.OptionalText("security", b.Security, maxLength: Long, multiline: true), Text("fundingSource", b.FundingSource),
            Text("stakeholdersConsulted", b.StakeholdersConsulted), Text("publications", b.Publications));
        return new(command.ModelId, ModelVersionName.Parse(errors, "modelVersion", command.ModelVersion), command.IfMatch, facts);
    }
}

internal sealed class HandleRecordModelCardFacts(Aggregates aggregates, LedgerWriter ledger, RequestContext context, TimeProvider clock)
    : ICommandHandler<RecordModelCardFactsCommand.Valid>
{
    public async Task<CommandResult> HandleAsync(RecordModelCardFactsCommand.Valid command, CancellationToken cancellationToken)
    {
        var (modelId, modelVersion, ifMatch, facts) = command;
        var (model, version) = await aggregates.ModelAsync(modelId, cancellationToken);
        var expected = Precondition.Check(ifMatch, version);
        var recorded = ManageEvidence.RecordCardFacts(model, new ModelCardFactsRecorded(modelId, modelVersion, facts, context.ActorId, clock.GetUtcNow()));
        return await ledger.AppendAsync(modelId, StreamTypes.Model, expected, [recorded],
            $"/models/{modelId}/versions/{Uri.EscapeDataString(modelVersion)}/model-card", cancellationToken);
    }
}
