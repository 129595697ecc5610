using Provenance.Domain.Clearance;
using Provenance.Domain.Common;
using Provenance.Domain.Consent;
using Provenance.Domain.Datasets;
using Provenance.Domain.Datasets.ContributingVersion;
using Provenance.Domain.Datasets.QuarantiningVersion;
using Provenance.Domain.Datasets.RegisteringDataset;
using Provenance.Domain.Datasets.RetiringDataset;
using Provenance.Domain.Deidentification;
using Provenance.Domain.Irb;
using Provenance.Domain.Licenses;

namespace Provenance.Domain.Tests.Clearance;

/// <summary>Builds ledgers by hand: datasets with versions, decisions, licenses, and IRB protocols.</summary>
internal sealed class Scenario
{
    public static readonly DateTimeOffset Start = new(2024, 1, 10, 12, 0, 0, TimeSpan.Zero);

    private readonly Dictionary<Guid, Dataset> _datasets = [];
    private readonly List<IrbProtocol> _protocols = [];

    public ClearanceFacts Facts => new(_datasets, _protocols);

    public Dataset this[Guid id] => _datasets[id];

    public static DateOnly Day(int year, int month, int day) => new(year, month, day);

    public static DateTimeOffset At(DateOnly day) => new(day.ToDateTime(new TimeOnly(9, 0)), TimeSpan.Zero);

    /// <summary>A dataset with one version, an approved Safe Harbor decision and a training license; no IRB yet.</summary>
    public Guid Dataset(string name = "EHR", IReadOnlyList<DatasetVersionRef>? parents = null, string institution = "Lakeshore", Modality modality = Modality.StructuredEhr)
    {
        var id = Guid.NewGuid();
        var dataset = Domain.Datasets.Dataset.Create(new DatasetRegistered(id, name, "", "steward", institution, modality,
            Day(2020, 1, 1), Day(2023, 12, 31), 1000, 100, "steward", Start));
        _datasets[id] = dataset;
        AddVersion(id, parents);
        Apply(id, SafeHarbor(id, 1, Start));
        Apply(id, License(id, [PermittedUse.Research, PermittedUse.ModelTraining]));
        return id;
    }

    public int AddVersion(Guid id, IReadOnlyList<DatasetVersionRef>? parents = null)
    {
        var files = new[] { new ManifestFile("part-0.parquet", 10, new string('a', 64)) };
        var version = _datasets[id].Versions.Count + 1;
        Apply(id, new DatasetVersionContributed(id, version, files, 1000, Manifest.Fingerprint(files), "s3://bucket/x", "steward", Start));
        if (parents is not null)
        {
            Apply(id, new DatasetVersionDerived(id, version, parents, TransformationKind.Filter, "", "git:abc", "steward", Start));
        }

        return version;
    }

    public static DeidentificationDecided SafeHarbor(Guid id, int version, DateTimeOffset at, DecisionOutcome outcome = DecisionOutcome.Approved) =>
        new(id, version, Guid.NewGuid(), DeidentificationMethod.SafeHarbor,
            new SafeHarborDetails(Enum.GetValues<SafeHarborIdentifier>().Select(i => new IdentifierDisposition(i, IdentifierTreatment.Removed)).ToList(), true),
            null, null, null, outcome, "privacy officer", at);

    public static LicenseGranted License(Guid id, IReadOnlyList<PermittedUse> uses, DateOnly? effective = null, DateOnly? expires = null, LicenseKind kind = LicenseKind.DataUseAgreement) =>
        new(id, Guid.NewGuid(), kind, kind == LicenseKind.Spdx ? "CC-BY-4.0" : null, ["Lakeshore", "Partner"], null, "US",
            effective ?? Day(2023, 1, 1), new LicenseTerms(uses, [Prohibition.Reidentification], expires, "DUA-7", new string('b', 64)), "steward", Start);

    public IrbProtocol Irb(string number, IReadOnlyList<Guid> covered, DateOnly? approved = null, DateOnly? expires = null,
        IReadOnlyList<PermittedUse>? uses = null, ReviewType review = ReviewType.Expedited)
    {
        var protocol = IrbProtocol.Create(new IrbProtocolApproved(Guid.NewGuid(), "Lakeshore IRB", "IRB00001234", number, "Title", "Dr. PI",
            review, review == ReviewType.Exempt ? 4 : null, approved ?? Day(2023, 6, 1), ConsentBasis.WaiverOrAlteration,
            new IrbTerms(expires, uses ?? [PermittedUse.Research, PermittedUse.ModelTraining], covered), "irb", Start));
        _protocols.Add(protocol);
        return protocol;
    }

    public void ChangeIrb(IrbProtocol protocol, object change) => _protocols[_protocols.IndexOf(protocol)] = protocol.Apply(change);

    public IrbProtocol Protocol(string number) => _protocols.Single(p => p.Approval.ProtocolNumber == number);

    public void Apply(Guid id, object @event) => _datasets[id] = _datasets[id].Apply(@event);

    public void Quarantine(Guid id, int version, DateOnly from, DateOnly? until)
    {
        Apply(id, new DatasetVersionQuarantined(id, version, "burned-in annotations found", "steward", At(from)));
        if (until is { } released)
        {
            Apply(id, new DatasetVersionReleased(id, version, "re-scrubbed", "steward", At(released)));
        }
    }

    public void Retire(Guid id, DateOnly on) => Apply(id, new DatasetRetired(id, "superseded", "steward", At(on)));

    public void WithdrawConsent(Guid id, int version, DateOnly effective, params ConsentAction[] actions) =>
        Apply(id, new ConsentWithdrawn(id, version, Guid.NewGuid(), 12, effective, actions, "steward", At(effective)));

    public ClearanceResult Judge(Guid id, int version, DateOnly day, bool commercial = false) =>
        ClearanceRules.Evaluate(new DatasetVersionRef(id, version), day, commercial, Facts);
}
