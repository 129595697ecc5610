namespace Provenance.Domain.Models;

public enum ModelVersionStatus
{
    Training,
    Released,
    Withdrawn,
}

/// <summary>
/// A model version: its training runs, where it stands, and its evidence (#18): performance
/// evaluations, post-market monitoring findings and the latest model card facts.
/// </summary>
public sealed record ModelVersion(
    string Version, IReadOnlyList<TrainingRun> Runs, ModelVersionStatus Status, ModelVersionReleased? Release, ModelVersionWithdrawn? Withdrawal)
{
    /// <summary>Set when an administrator released a device version despite change-control findings.</summary>
    public ModelReleaseOverridden? ReleaseOverride { get; init; }

    public IReadOnlyList<PerformanceEvaluated> Evaluations { get; init; } = [];

    public IReadOnlyList<MonitoringFindingRecorded> MonitoringFindings { get; init; } = [];

    public ModelCardFactsRecorded? CardFacts { get; init; }

    /// <summary>Every dataset version the version's runs trained on.</summary>
    public IEnumerable<Datasets.DatasetVersionRef> TrainingInputs => Runs.SelectMany(r => r.Recorded.Inputs).Select(i => i.ToRef()).Distinct();
}

/// <summary>A training run and, when clearance was overridden for it, the override.</summary>
public sealed record TrainingRun(TrainingRunRecorded Recorded, TrainingClearanceOverridden? Override);

/// <summary>A model folded from its stream.</summary>
public sealed record Model(ModelRegistered Registration, IReadOnlyList<ModelVersion> Versions)
{
    public Guid Id => Registration.ModelId;

    /// <summary>Every regulatory status record, in the order recorded (#18).</summary>
    public IReadOnlyList<RegulatoryStatusRecorded> RegulatoryRecords { get; init; } = [];

    /// <summary>Every authorized predetermined change control plan, in the order recorded (#18).</summary>
    public IReadOnlyList<ChangeControlPlanAuthorized> ChangeControlPlans { get; init; } = [];

    /// <summary>The status in effect on <paramref name="day"/>: the record with the latest effective date on or before it (the later recorded of a tie).</summary>
    public RegulatoryStatusRecorded? RegulatoryStatusOn(DateOnly day) =>
        RegulatoryRecords.Select((r, i) => (r, i)).Where(x => x.r.EffectiveFrom <= day).OrderBy(x => x.r.EffectiveFrom).ThenBy(x => x.i).Select(x => x.r).LastOrDefault();

    /// <summary>The plans authorized on or before <paramref name="day"/>, latest last.</summary>
    public IEnumerable<ChangeControlPlanAuthorized> PlansOn(DateOnly day) => ChangeControlPlans.Where(p => p.AuthorizedOn <= day).OrderBy(p => p.AuthorizedOn);

    public ModelVersion? Version(string version) => Versions.FirstOrDefault(v => v.Version == version);

    public Model Apply(object @event) => @event switch
    {
        TrainingClearanceOverridden e => this with
        {
            Versions = Versions.Select(v => v with { Runs = v.Runs.Select(r => r.Recorded.RunId == e.RunId ? r with { Override = e } : r).ToList() }).ToList(),
        },
        TrainingRunRecorded e => WithVersion(e.ModelVersion, v => v with { Runs = [.. v.Runs, new TrainingRun(e, null)] }),
        ModelVersionReleased e => WithVersion(e.ModelVersion, v => v with { Status = ModelVersionStatus.Released, Release = e }),
        ModelVersionWithdrawn e => WithVersion(e.ModelVersion, v => v with { Status = ModelVersionStatus.Withdrawn, Withdrawal = e }),
        ModelReleaseOverridden e => WithVersion(e.ModelVersion, v => v with { ReleaseOverride = e }),
        RegulatoryStatusRecorded e => this with { RegulatoryRecords = [.. RegulatoryRecords, e] },
        ChangeControlPlanAuthorized e => this with { ChangeControlPlans = [.. ChangeControlPlans, e] },
        PerformanceEvaluated e => WithVersion(e.ModelVersion, v => v with { Evaluations = [.. v.Evaluations, e] }),
        MonitoringFindingRecorded e => WithVersion(e.ModelVersion, v => v with { MonitoringFindings = [.. v.MonitoringFindings, e] }),
        ModelCardFactsRecorded e => WithVersion(e.ModelVersion, v => v with { CardFacts = e }),
        _ => throw new InvalidOperationException($"A {@event.GetType().Name} cannot be applied to model {Id}."),
    };

    public static Model? Fold(IEnumerable<object> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        Model? state = null;
        foreach (var @event in events)
        {
            state = state is null
                ? @event is ModelRegistered registered ? new Model(registered, []) : throw new InvalidOperationException("A model stream starts with its registration.")
                : state.Apply(@event);
        }

        return state;
    }

    private Model WithVersion(string version, Func<ModelVersion, ModelVersion> change)
    {
        var existing = Version(version) ?? new ModelVersion(version, [], ModelVersionStatus.Training, null, null);
        var changed = change(existing);
        return this with { Versions = Versions.Any(v => v.Version == version) ? Versions.Select(v => v.Version == version ? changed : v).ToList() : [.. Versions, changed] };
    }
}
