using Provenance.Domain.Datasets;
using Provenance.Domain.Models;
using Provenance.Domain.Tests.Clearance;
using static Provenance.Domain.Tests.Clearance.Scenario;

namespace Provenance.Domain.Tests.Models;

/// <summary>Builds a model's regulatory facts and evidence by hand (#18), over a <see cref="Scenario"/>'s datasets.</summary>
internal sealed class ModelFacts(Scenario scenario)
{
    public static readonly DateOnly Authorized = Day(2024, 2, 1);

    public Guid ModelId { get; } = Guid.NewGuid();

    public Model State { get; private set; } = Model.Fold([new ModelRegistered(Guid.Empty, "Lung nodule triage", "Lakeshore AI", "CT triage", false, "admin", Start)])!;

    public ModelFacts Registered()
    {
        State = Model.Fold([new ModelRegistered(ModelId, "Lung nodule triage", "Lakeshore AI", "CT triage", false, "admin", Start)])!;
        return this;
    }

    public ModelFacts Apply(object @event)
    {
        State = State.Apply(@event);
        return this;
    }

    public TrainingRunRecorded Run(string version, DateOnly started, params DatasetVersionRef[] inputs) =>
        new(ModelId, Guid.NewGuid(), version, inputs.Select(i => new TrainingInput(i.DatasetId, i.Version, scenario[i.DatasetId].Version(i.Version)!.Fingerprint)).ToList(),
            At(started), At(started).AddHours(5), "git:abc", "", "trainer", At(started));

    public ModelFacts Trained(string version, DateOnly started, params DatasetVersionRef[] inputs) => Apply(Run(version, started, inputs));

    public static RegulatoryStatusRecorded Device(Guid modelId, string authorizedVersion = "1.0", DateOnly? effective = null) =>
        new(modelId, Guid.NewGuid(), RegulatoryStatusKind.MarketedDevice, effective ?? Authorized, null,
            new DeviceAuthorization(DeviceClass.ClassIi, MarketingPathway.PremarketNotification, "K240001", "QIH", Authorized, "Triage of suspected lung nodules on chest CT.", authorizedVersion),
            null, null, "regulatory", At(Authorized));

    public static RegulatoryStatusRecorded Cds(Guid modelId, params int[] criteria) =>
        new(modelId, Guid.NewGuid(), RegulatoryStatusKind.NonDeviceCds, Authorized, criteria.Select(c => new CdsCriterionAttestation(c, "because")).ToList(),
            null, null, null, "regulatory", At(Authorized));

    public static ChangeControlPlanAuthorized Plan(
        Guid modelId, IReadOnlyList<Guid> protocols, IReadOnlyList<Guid> licenses, IReadOnlyList<PlannedModification>? modifications = null,
        IReadOnlyList<AcceptanceCriterion>? criteria = null) =>
        new(modelId, Guid.NewGuid(), "K240001", Authorized,
            modifications ?? [Modification(ModificationKind.RetrainingOnNewData)],
            new DataManagementPractices(protocols, licenses, "Two thoracic radiologists' consensus read."),
            criteria ?? [new AcceptanceCriterion("AUROC", "adults", 0.80, ThresholdDirection.AtLeast)],
            "regulatory", At(Authorized));

    public static PlannedModification Modification(
        ModificationKind kind, IReadOnlyList<string>? institutions = null, IReadOnlyList<Modality>? modalities = null, long? minimumRecords = null) =>
        new(kind, "as described", institutions ?? [], modalities ?? [], [], minimumRecords);

    public PerformanceEvaluated Evaluation(
        string version, DatasetVersionRef data, double value = 0.85, bool heldOut = true, EvaluationSource source = EvaluationSource.External,
        string metric = "AUROC", string population = "adults", DateOnly? on = null) =>
        new(ModelId, Guid.NewGuid(), version, metric, value, null, null,
            new EvaluationData(data.DatasetId, data.Version, scenario[data.DatasetId].Version(data.Version)!.Fingerprint), source, heldOut, population,
            null, null, "validation team", on ?? Day(2024, 3, 20), "evaluator", At(on ?? Day(2024, 3, 20)));
}
