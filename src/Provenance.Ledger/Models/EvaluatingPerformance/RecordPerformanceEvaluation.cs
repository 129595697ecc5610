using Provenance.Domain.Common;
using Provenance.Domain.Models;
using Provenance.Ledger.Access;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Validation;
using Provenance.Ledger.Models.AuthorizingChangeControlPlan;

namespace Provenance.Ledger.Models.EvaluatingPerformance;

/// <summary>The body of <c>POST /models/{id}/versions/{modelVersion}/evaluations</c>.</summary>
public sealed record RecordPerformanceEvaluationRequest(
    string? Metric,
    double? Value,
    [property: OptionalMember] double? ConfidenceLow,
    [property: OptionalMember] double? ConfidenceHigh,
    EvaluationDataRequest? Data,
    [property: EnumValues(typeof(EvaluationSource))] string? Source,
    [property: OptionalMember] bool? HeldOut,
    string? Population,
    [property: OptionalMember] AcceptanceCriterionRequest? Acceptance,
    string? Evaluator,
    DateOnly? EvaluatedOn);

/// <summary>The dataset version measured on, with the fingerprint the evaluator saw.</summary>
public sealed record EvaluationDataRequest(Guid? DatasetId, int? Version, string? Fingerprint);

/// <summary>Record a performance evaluation of a model version, as sent.</summary>
internal sealed record RecordPerformanceEvaluationCommand(Guid ModelId, string ModelVersion, Precondition? IfMatch, RecordPerformanceEvaluationRequest Body)
    : ICommand<RecordPerformanceEvaluationCommand.Valid>, IModelWrite
{
    internal sealed record Valid(
        Guid ModelId, string ModelVersion, Precondition? IfMatch, string Metric, double Value, double? ConfidenceLow, double? ConfidenceHigh,
        EvaluationData Data, EvaluationSource Source, bool HeldOut, string Population, AcceptanceCriterion? Acceptance, string Evaluator, DateOnly EvaluatedOn);
}

internal sealed class RecordPerformanceEvaluationParser : ICommandParser<RecordPerformanceEvaluationCommand, RecordPerformanceEvaluationCommand.Valid>
{
    public RecordPerformanceEvaluationCommand.Valid Parse(RecordPerformanceEvaluationCommand command, FieldErrors errors)
    {
        var body = command.Body;
        var value = Finite(errors, "value", body.Value, required: true)!.Value;
        var low = Finite(errors, "confidenceLow", body.ConfidenceLow, required: false);
        var high = Finite(errors, "confidenceHigh", body.ConfidenceHigh, required: false);
        if ((low is null) != (high is null))
        {
            errors.Add(low is null ? "confidenceLow" : "confidenceHigh", "is required with the other bound of the confidence interval");
        }

        var data = errors.Present("data", body.Data);
        var metric = errors.Text("metric", body.Metric, maxLength: 200);
        var population = errors.Text("population", body.Population, maxLength: 500);
        var acceptance = body.Acceptance is null ? null : AuthorizeChangeControlPlanParser.Criterion(errors, "acceptance", body.Acceptance, ofPlan: false);
        if (acceptance is not null && acceptance.Metric.Length > 0 && !string.Equals(acceptance.Metric, metric, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add("acceptance.metric", $"must be the evaluated metric ({metric})");
        }

        return new(command.ModelId, ModelVersionName.Parse(errors, "modelVersion", command.ModelVersion), command.IfMatch, metric, value, low, high,
            new EvaluationData(
                errors.Required("data.datasetId", data?.DatasetId), errors.Required("data.version", data?.Version),
                errors.Text("data.fingerprint", data?.Fingerprint, maxLength: 80)),
            errors.OneOf<EvaluationSource>("source", body.Source), body.HeldOut ?? true, population,
            acceptance is null ? null : acceptance with { Metric = metric, Population = acceptance.Population.Length > 0 ? acceptance.Population : population },
            errors.Text("evaluator", body.Evaluator, maxLength: 300), errors.Required("evaluatedOn", body.EvaluatedOn));
    }

    private static double? Finite(FieldErrors errors, string field, double? value, bool required)
    {
        if (value is null)
        {
            if (required)
            {
                errors.Add(field, "is required");
                return 0;
            }

            return null;
        }

        if (!double.IsFinite(value.Value))
        {
            errors.Add(field, "must be a finite number");
        }

        return value;
    }
}

internal sealed class HandleRecordPerformanceEvaluation(Aggregates aggregates, LedgerWriter ledger, RequestContext context, TimeProvider clock)
    : ICommandHandler<RecordPerformanceEvaluationCommand.Valid>
{
    public async Task<CommandResult> HandleAsync(RecordPerformanceEvaluationCommand.Valid command, CancellationToken cancellationToken)
    {
        var (modelId, modelVersion, ifMatch, metric, value, low, high, data, source, heldOut, population, acceptance, evaluator, evaluatedOn) = command;
        var (model, version) = await aggregates.ModelAsync(modelId, cancellationToken);
        var expected = Precondition.Check(ifMatch, version);
        var datasets = await aggregates.DatasetsAsync([data.DatasetId], cancellationToken);
        var evaluation = ManageEvidence.Evaluate(model,
            new PerformanceEvaluated(modelId, Guid.CreateVersion7(), modelVersion, metric, value, low, high, data, source, heldOut, population, acceptance, null,
                evaluator, evaluatedOn, context.ActorId, clock.GetUtcNow()),
            datasets.GetValueOrDefault(data.DatasetId));
        return await ledger.AppendAsync(modelId, StreamTypes.Model, expected, [evaluation],
            $"/models/{modelId}/versions/{Uri.EscapeDataString(modelVersion)}", cancellationToken);
    }
}
