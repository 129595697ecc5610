namespace Provenance.Domain.Models;

public enum ModelVersionStatus
{
    Training,
    Released,
    Withdrawn,
}

/// <summary>A model version: its training runs and where it stands.</summary>
public sealed record ModelVersion(string Version, IReadOnlyList<TrainingRun> Runs, ModelVersionStatus Status, ModelVersionReleased? Release, ModelVersionWithdrawn? Withdrawal);

/// <summary>A training run and, when clearance was overridden for it, the override.</summary>
public sealed record TrainingRun(TrainingRunRecorded Recorded, TrainingClearanceOverridden? Override);

/// <summary>A model folded from its stream.</summary>
public sealed record Model(ModelRegistered Registration, IReadOnlyList<ModelVersion> Versions)
{
    public Guid Id => Registration.ModelId;

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
