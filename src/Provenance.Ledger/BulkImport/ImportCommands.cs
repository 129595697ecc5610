using System.Text.Json;
using Provenance.Domain.Irb;
using Provenance.Ledger.Consent.WithdrawingConsent;
using Provenance.Ledger.Datasets.ContributingVersion;
using Provenance.Ledger.Datasets.QuarantiningVersion;
using Provenance.Ledger.Datasets.RegisteringDataset;
using Provenance.Ledger.Datasets.RetiringDataset;
using Provenance.Ledger.Deidentification.DecidingDeidentification;
using Provenance.Ledger.Deidentification.RescindingDecision;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Json;
using Provenance.Ledger.Infrastructure.Validation;
using Provenance.Ledger.Irb.AmendingProtocol;
using Provenance.Ledger.Irb.ApprovingProtocol;
using Provenance.Ledger.Irb.ChangingProtocolStatus;
using Provenance.Ledger.Licenses.AmendingLicense;
using Provenance.Ledger.Licenses.GrantingLicense;
using Provenance.Ledger.Licenses.TerminatingLicense;
using Provenance.Ledger.Models.ChangingModelVersion;
using Provenance.Ledger.Models.RecordingTrainingRun;
using Provenance.Ledger.Models.RegisteringModel;

namespace Provenance.Ledger.BulkImport;

/// <summary>
/// Every command a bulk import line can carry: its name, the ids it needs (as its REST path does),
/// and the MediatR command it becomes. Same validation, rules and events as over REST.
/// </summary>
internal static class ImportCommands
{
    private static readonly ImportCommand[] All =
    [
        new("register-dataset", [], (_, b) => new RegisterDatasetCommand(Body<RegisterDatasetRequest>(b))),
        new("contribute-version", ["datasetId"], (l, b) => new ContributeVersionCommand(l.DatasetId!.Value, null, Body<ContributeVersionRequest>(b))),
        new("quarantine-version", ["datasetId", "version"], (l, b) => new QuarantineVersionCommand(l.DatasetId!.Value, l.Version!.Value, false, null, Body<ReasonRequest>(b))),
        new("release-version", ["datasetId", "version"], (l, b) => new QuarantineVersionCommand(l.DatasetId!.Value, l.Version!.Value, true, null, Body<ReasonRequest>(b))),
        new("retire-dataset", ["datasetId"], (l, b) => new RetireDatasetCommand(l.DatasetId!.Value, null, Body<ReasonRequest>(b))),
        new("decide-deidentification", ["datasetId", "version"], (l, b) => new DecideDeidentificationCommand(l.DatasetId!.Value, l.Version!.Value, null, Body<DeidentificationRequest>(b))),
        new("rescind-deidentification", ["datasetId", "decisionId"], (l, b) => new RescindDeidentificationCommand(l.DatasetId!.Value, l.DecisionId!.Value, null, Body<RescissionRequest>(b))),
        new("grant-license", ["datasetId"], (l, b) => new GrantLicenseCommand(l.DatasetId!.Value, null, Body<GrantLicenseRequest>(b))),
        new("amend-license", ["datasetId", "licenseId"], (l, b) => new AmendLicenseCommand(l.DatasetId!.Value, l.LicenseId!.Value, null, Body<AmendLicenseRequest>(b))),
        new("terminate-license", ["datasetId", "licenseId"], (l, b) => new TerminateLicenseCommand(l.DatasetId!.Value, l.LicenseId!.Value, null, Body<TerminateLicenseRequest>(b))),
        new("withdraw-consent", ["datasetId", "version"], (l, b) => new WithdrawConsentCommand(l.DatasetId!.Value, l.Version!.Value, null, Body<WithdrawConsentRequest>(b))),
        new("approve-irb-protocol", [], (_, b) => new ApproveProtocolCommand(Body<ApproveProtocolRequest>(b))),
        new("amend-irb-protocol", ["protocolId"], (l, b) => new AmendProtocolCommand(l.ProtocolId!.Value, null, Body<AmendProtocolRequest>(b))),
        new("suspend-irb-protocol", ["protocolId"], (l, b) => Status(l, b, IrbStatus.Suspended, close: false)),
        new("reinstate-irb-protocol", ["protocolId"], (l, b) => Status(l, b, IrbStatus.Active, close: false)),
        new("terminate-irb-protocol", ["protocolId"], (l, b) => Status(l, b, IrbStatus.Terminated, close: false)),
        new("close-irb-protocol", ["protocolId"], (l, b) => Status(l, b, IrbStatus.Closed, close: true)),
        new("register-model", [], (_, b) => new RegisterModelCommand(Body<RegisterModelRequest>(b))),
        new("record-training-run", ["modelId"], (l, b) => new RecordTrainingRunCommand(l.ModelId!.Value, null, Body<RecordTrainingRunRequest>(b))),
        new("release-model-version", ["modelId", "modelVersion"], (l, b) => new ChangeModelVersionCommand(l.ModelId!.Value, l.ModelVersion!, false, null, Body<ModelVersionChangeRequest>(b))),
        new("withdraw-model-version", ["modelId", "modelVersion"], (l, b) => new ChangeModelVersionCommand(l.ModelId!.Value, l.ModelVersion!, true, null, Body<ModelVersionChangeRequest>(b))),
        new("record-regulatory-status", ["modelId"], (l, b) => new Models.RecordingRegulatoryStatus.RecordRegulatoryStatusCommand(l.ModelId!.Value, null, Body<Models.RecordingRegulatoryStatus.RecordRegulatoryStatusRequest>(b))),
        new("authorize-change-control-plan", ["modelId"], (l, b) => new Models.AuthorizingChangeControlPlan.AuthorizeChangeControlPlanCommand(l.ModelId!.Value, null, Body<Models.AuthorizingChangeControlPlan.AuthorizeChangeControlPlanRequest>(b))),
        new("record-performance-evaluation", ["modelId", "modelVersion"], (l, b) => new Models.EvaluatingPerformance.RecordPerformanceEvaluationCommand(l.ModelId!.Value, l.ModelVersion!, null, Body<Models.EvaluatingPerformance.RecordPerformanceEvaluationRequest>(b))),
        new("record-monitoring-finding", ["modelId", "modelVersion"], (l, b) => new Models.RecordingMonitoringFinding.RecordMonitoringFindingCommand(l.ModelId!.Value, l.ModelVersion!, null, Body<Models.RecordingMonitoringFinding.RecordMonitoringFindingRequest>(b))),
        new("record-model-card-facts", ["modelId", "modelVersion"], (l, b) => new Models.RecordingModelCardFacts.RecordModelCardFactsCommand(l.ModelId!.Value, l.ModelVersion!, null, Body<Models.RecordingModelCardFacts.RecordModelCardFactsRequest>(b))),
    ];

    public static IReadOnlyList<string> Names { get; } = All.Select(c => c.Name).ToList();

    /// <summary>The command a line stands for, or the field errors that say why it stands for none.</summary>
    public static ICommand ToCommand(ImportLine line)
    {
        var errors = new FieldErrors();
        var spec = All.FirstOrDefault(c => c.Name == line.Command);
        if (spec is null)
        {
            errors.Add("command", "must be one of: " + string.Join(", ", Names));
        }

        if (line.Body is not { ValueKind: JsonValueKind.Object })
        {
            errors.Add("body", "is required (the JSON body the matching REST endpoint takes)");
        }

        foreach (var field in spec?.Requires ?? [])
        {
            var present = field switch
            {
                "datasetId" => line.DatasetId is not null,
                "version" => line.Version is not null,
                "decisionId" => line.DecisionId is not null,
                "licenseId" => line.LicenseId is not null,
                "protocolId" => line.ProtocolId is not null,
                "modelId" => line.ModelId is not null,
                _ => !string.IsNullOrWhiteSpace(line.ModelVersion),
            };
            if (!present)
            {
                errors.Add(field, "is required");
            }
        }

        errors.ThrowIfAny();
        return spec!.Create(line, line.Body!.Value);
    }

    private static ChangeProtocolStatusCommand Status(ImportLine line, JsonElement body, IrbStatus to, bool close) =>
        new(line.ProtocolId!.Value, to, close, null, Body<ProtocolStatusRequest>(body));

    private static T Body<T>(JsonElement body)
    {
        try
        {
            return body.Deserialize<T>(ApiJson.Options) ?? throw new JsonException("The body is null.", "$", null, null);
        }
        catch (JsonException e)
        {
            throw new MalformedBodyException("The line's body is malformed.",
                new JsonException(e.Message, "$.body" + (e.Path ?? "$").TrimStart('$'), e.LineNumber, e.BytePositionInLine));
        }
    }

    private sealed record ImportCommand(string Name, string[] Requires, Func<ImportLine, JsonElement, ICommand> Create);
}
