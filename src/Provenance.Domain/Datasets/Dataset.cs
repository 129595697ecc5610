using Provenance.Domain.Consent;
using Provenance.Domain.Datasets.ContributingVersion;
using Provenance.Domain.Datasets.QuarantiningVersion;
using Provenance.Domain.Datasets.RegisteringDataset;
using Provenance.Domain.Datasets.RetiringDataset;
using Provenance.Domain.Deidentification;
using Provenance.Domain.Licenses;

namespace Provenance.Domain.Datasets;

/// <summary>
/// A dataset folded from its stream: its registration, versions, de-identification decisions,
/// licenses and consent withdrawals, each with its dates, so it can be judged on any day.
/// </summary>
public sealed record Dataset(
    Guid Id,
    string Name,
    string Description,
    string Steward,
    string SourceInstitution,
    Modality Modality,
    DateOnly CollectionStart,
    DateOnly CollectionEnd,
    long RecordCount,
    long PatientCount,
    DatasetStatus Status,
    string RegisteredBy,
    DateTimeOffset RegisteredAt,
    IReadOnlyList<DatasetVersion> Versions,
    IReadOnlyList<DeidentificationDecision> Decisions,
    IReadOnlyList<DatasetLicense> Licenses,
    IReadOnlyList<ConsentWithdrawn> ConsentWithdrawals,
    DatasetRetired? Retirement)
{
    public DatasetVersion? Version(int version) => version >= 1 && version <= Versions.Count ? Versions[version - 1] : null;

    public static Dataset Create(DatasetRegistered registered)
    {
        ArgumentNullException.ThrowIfNull(registered);
        return new Dataset(
            registered.DatasetId, registered.Name, registered.Description, registered.Steward, registered.SourceInstitution,
            registered.Modality, registered.CollectionStart, registered.CollectionEnd, registered.RecordCount,
            registered.PatientCount, DatasetStatus.Active, registered.RegisteredBy, registered.RegisteredAt, [], [], [], [], null);
    }

    public Dataset Apply(object @event) => @event switch
    {
        DatasetVersionContributed e => this with { Versions = [.. Versions, DatasetVersion.Create(e)] },
        DatasetVersionDerived e => WithVersion(e.Version, v => v with { Derivation = e }),
        DatasetVersionQuarantined e => WithVersion(e.Version, v => v with { Quarantines = [.. v.Quarantines, new QuarantinePeriod(e, null)] }),
        DatasetVersionReleased e => WithVersion(e.Version, v => v with { Quarantines = [.. v.Quarantines.SkipLast(1), v.Quarantines[^1] with { Released = e }] }),
        DatasetRetired e => this with { Status = DatasetStatus.Retired, Retirement = e },
        DeidentificationDecided e => this with { Decisions = [.. Decisions, new DeidentificationDecision(e, null)] },
        DeidentificationRescinded e => this with { Decisions = Decisions.Select(d => d.Decided.DecisionId == e.DecisionId ? d with { Rescinded = e } : d).ToList() },
        LicenseGranted e => this with { Licenses = [.. Licenses, new DatasetLicense(e, [new DatedLicenseTerms(e.EffectiveOn, e.Terms)], null)] },
        LicenseAmended e => WithLicense(e.LicenseId, l => l with { TermsHistory = [.. l.TermsHistory.Where(t => t.EffectiveOn <= e.EffectiveOn), new(e.EffectiveOn, e.Terms), .. l.TermsHistory.Where(t => t.EffectiveOn > e.EffectiveOn)] }),
        LicenseTerminated e => WithLicense(e.LicenseId, l => l with { Terminated = e }),
        ConsentWithdrawn e => this with { ConsentWithdrawals = [.. ConsentWithdrawals, e] },
        _ => throw new InvalidOperationException($"A {@event.GetType().Name} cannot be applied to dataset {Id}."),
    };

    /// <summary>Folds a dataset stream's events, in order, into its state (null for an empty stream).</summary>
    public static Dataset? Fold(IEnumerable<object> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        Dataset? state = null;
        foreach (var @event in events)
        {
            state = state is null
                ? @event is DatasetRegistered registered ? Create(registered) : throw new InvalidOperationException("A dataset stream starts with its registration.")
                : @event is DatasetRegistered ? throw new InvalidOperationException($"Dataset {state.Id} is registered twice.") : state.Apply(@event);
        }

        return state;
    }

    private Dataset WithVersion(int version, Func<DatasetVersion, DatasetVersion> change) =>
        this with { Versions = Versions.Select(v => v.Version == version ? change(v) : v).ToList() };

    private Dataset WithLicense(Guid licenseId, Func<DatasetLicense, DatasetLicense> change) =>
        this with { Licenses = Licenses.Select(l => l.Granted.LicenseId == licenseId ? change(l) : l).ToList() };
}

/// <summary>Where a dataset stands.</summary>
public enum DatasetStatus
{
    Active,
    Retired,
}

/// <summary>One version of a dataset.</summary>
public sealed record DatasetVersion(
    int Version,
    DatasetVersionContributed Contribution,
    DatasetVersionDerived? Derivation,
    IReadOnlyList<QuarantinePeriod> Quarantines)
{
    public long RecordCount => Contribution.RecordCount;

    public string Fingerprint => Contribution.Fingerprint;

    public bool Quarantined => Quarantines.Count > 0 && Quarantines[^1].Released is null;

    public IReadOnlyList<DatasetVersionRef> Parents => Derivation?.Parents ?? [];

    public static DatasetVersion Create(DatasetVersionContributed contributed) => new(contributed.Version, contributed, null, []);
}

/// <summary>A stretch of quarantine: from when it began to when it was released (open while null).</summary>
public sealed record QuarantinePeriod(DatasetVersionQuarantined Quarantined, DatasetVersionReleased? Released);

/// <summary>A de-identification decision and, when it happened, its rescission.</summary>
public sealed record DeidentificationDecision(DeidentificationDecided Decided, DeidentificationRescinded? Rescinded);

/// <summary>A dated version of a license's terms.</summary>
public sealed record DatedLicenseTerms(DateOnly EffectiveOn, LicenseTerms Terms);

/// <summary>A license on a dataset with its terms over time and, when it happened, its termination.</summary>
public sealed record DatasetLicense(LicenseGranted Granted, IReadOnlyList<DatedLicenseTerms> TermsHistory, LicenseTerminated? Terminated)
{
    public DatedLicenseTerms? TermsOn(DateOnly day) => TermsHistory.LastOrDefault(t => t.EffectiveOn <= day);
}
