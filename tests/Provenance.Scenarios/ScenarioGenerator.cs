using Provenance.Domain.Clearance;
using Provenance.Domain.Common;
using Provenance.Domain.Consent;
using Provenance.Domain.Datasets;
using Provenance.Domain.Datasets.ContributingVersion;
using Provenance.Domain.Datasets.RegisteringDataset;
using Provenance.Domain.Deidentification;
using Provenance.Domain.Irb;
using Provenance.Domain.Licenses;
using Provenance.Domain.Models;

namespace Provenance.Scenarios;

/// <summary>One append the scenario makes: events for one stream, at the stream version it expects.</summary>
public sealed record ScenarioAppend(Guid StreamId, string StreamType, int ExpectedVersion, IReadOnlyList<object> Events)
{
    /// <summary>Appends the events through the ledger's event store, the stream expected new (version 0) or at its version.</summary>
    public Task<Provenance.EventStore.Appending.AppendResult> AppendToAsync(Provenance.EventStore.PostgresEventStore store, Provenance.EventStore.EventMetadata metadata) =>
        store.AppendAsync(StreamId, StreamType,
            ExpectedVersion == 0 ? Provenance.EventStore.ExpectedVersion.NoStream : Provenance.EventStore.ExpectedVersion.Exactly(ExpectedVersion), Events, metadata);
}

/// <summary>
/// The shape of the flagship model: one training run whose inputs are <c>Chains × Depth</c> dataset
/// versions, each chain a derivation of <c>Depth</c> links (link k derived from link k-1).
/// </summary>
public sealed record FlagshipShape(int Chains, int Depth)
{
    /// <summary>The shape of issue #4's latency bar: 1,000 dataset versions, derivation depth 10.</summary>
    public static FlagshipShape Default { get; } = new(100, 10);

    public int Versions => Chains * Depth;
}

/// <summary>
/// A deterministic ledger of a national health-data program: institutions contribute cohorts of
/// datasets (versions, derivations, de-identification decisions, licenses), IRBs approve protocols
/// covering them, and models train on them; later, protocols are amended or suspended, licenses
/// amended or terminated, and consent withdrawn. The same seed and size give the same events.
/// Every event is decided by the domain's own rules (the generator folds the state it needs), so
/// the ledger is one the API could have written; every training run is cleared on its start day.
/// Midway, the flagship model is trained on <see cref="FlagshipShape"/> dataset versions.
/// </summary>
public sealed class ScenarioGenerator
{
    private const int DatasetsPerCohort = 24;
    private const int WindowCohorts = 12;

    private static readonly string[] Places =
    [
        "Lakeshore", "Riverbend", "Cedar Valley", "Harborview", "Summit", "Prairie", "Bayside", "Northfield", "Granite Peak", "Willow Creek",
        "Mesa Verde", "Pinecrest", "Brookhaven", "Silver Lake", "Oak Ridge", "Sunset Coast", "Blue Mountain", "Fairmont", "Red River", "Maple Grove",
    ];

    private static readonly string[] Kinds = ["Medical Center", "University Hospital", "Health System", "Children's Hospital"];

    private static readonly (Modality Modality, string Label)[] Modalities =
    [
        (Modality.StructuredEhr, "EHR encounters"), (Modality.ClinicalNotes, "discharge notes"), (Modality.ImagingCt, "chest CT"),
        (Modality.ImagingMri, "brain MRI"), (Modality.ImagingXray, "chest X-ray"), (Modality.PathologySlides, "pathology slides"),
        (Modality.EcgWaveforms, "ECG waveforms"), (Modality.Genomics, "exome panels"),
    ];

    private static readonly TransformationKind[] ChainSteps =
        [TransformationKind.Filter, TransformationKind.Labeling, TransformationKind.Tokenization, TransformationKind.Augmentation];

    private static readonly IReadOnlyList<IdentifierDisposition> SafeHarborIdentifiers = Enum.GetValues<SafeHarborIdentifier>()
        .Select(i => new IdentifierDisposition(i, i switch
        {
            SafeHarborIdentifier.Dates or SafeHarborIdentifier.GeographicSubdivisions => IdentifierTreatment.Generalized,
            SafeHarborIdentifier.FaxNumbers or SafeHarborIdentifier.VehicleIdentifiers => IdentifierTreatment.NotPresent,
            _ => IdentifierTreatment.Removed,
        }))
        .ToList();

    private static readonly DateTimeOffset Start = new(2021, 1, 4, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Span = TimeSpan.FromDays(4 * 365);

    private readonly Random _random;
    private readonly long _targetEvents;
    private readonly FlagshipShape _flagship;
    private readonly List<Cohort> _window = [];
    private readonly List<ModelStream> _models = [];
    private int _datasetNumber;
    private int _protocolNumber;

    /// <param name="seed">The seed: the same seed and size give the same ledger.</param>
    /// <param name="targetEvents">How many events to generate (the last cohort may overshoot a little).</param>
    /// <param name="flagship">The flagship model's shape; <see cref="FlagshipShape.Default"/> when null.</param>
    public ScenarioGenerator(int seed, long targetEvents, FlagshipShape? flagship = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetEvents);
        _random = new Random(seed);
        _targetEvents = targetEvents;
        _flagship = flagship ?? FlagshipShape.Default;
        FlagshipModelId = NewId();
    }

    /// <summary>The model trained on the flagship's dataset versions.</summary>
    public Guid FlagshipModelId { get; }

    /// <summary>The flagship model's version.</summary>
    public static string FlagshipModelVersion => "1.0";

    /// <summary>Events generated so far.</summary>
    public long EventCount { get; private set; }

    /// <summary>Appends generated so far.</summary>
    public long AppendCount { get; private set; }

    /// <summary>The appends, in the order they are to be made. Enumerate once.</summary>
    public IEnumerable<ScenarioAppend> Generate()
    {
        // About 190 events a cohort; the dates spread the cohorts over four years.
        var flagshipEvents = _flagship.Versions * 5L;
        var cohorts = Math.Max(1, (_targetEvents - flagshipEvents) / 190);
        var step = Span / cohorts;
        var flagshipDone = false;
        for (var i = 0; EventCount < _targetEvents || !flagshipDone; i++)
        {
            var at = Start + (step * Math.Min(i, cohorts));
            if (!flagshipDone && EventCount + flagshipEvents >= _targetEvents / 2)
            {
                foreach (var append in Flagship(at))
                {
                    yield return append;
                }

                flagshipDone = true;
                continue;
            }

            foreach (var append in NextCohort(at))
            {
                yield return append;
            }
        }
    }

    private IEnumerable<ScenarioAppend> NextCohort(DateTimeOffset at)
    {
        var institution = $"{Pick(Places)} {Pick(Kinds)}";
        var cohort = new Cohort();
        _window.Add(cohort);
        if (_window.Count > WindowCohorts)
        {
            _window.RemoveAt(0);
        }

        for (var d = 0; d < DatasetsPerCohort; d++)
        {
            yield return Dataset(cohort, institution, at.AddMinutes(d * 3));
        }

        yield return Protocol(cohort, institution, cohort.Datasets.Select(s => s.Id).ToList(), DateOnly.FromDateTime(at.UtcDateTime),
            _random.NextDouble() < 0.7 ? ReviewType.Expedited : _random.NextDouble() < 0.65 ? ReviewType.FullBoard : ReviewType.Exempt, at.AddHours(2));

        foreach (var append in LaterChanges(at.AddHours(3)))
        {
            yield return append;
        }

        if (_random.NextDouble() < 0.6 && TrainingRun(at.AddDays(2)) is { } run)
        {
            foreach (var append in run)
            {
                yield return append;
            }
        }
    }

    private ScenarioAppend Dataset(Cohort cohort, string institution, DateTimeOffset at)
    {
        var (modality, label) = Pick(Modalities);
        var records = _random.NextInt64(2_000, 400_000);
        var registered = RegisterDataset.Decide(new RegisterDataset(
            NewId(), $"{institution} {label} {++_datasetNumber}", $"{label} contributed by {institution} for model development", Steward(institution),
            institution, modality, DateOnly.FromDateTime(at.UtcDateTime).AddYears(-3), DateOnly.FromDateTime(at.UtcDateTime).AddDays(-30),
            records, records / _random.Next(2, 9), Steward(institution), at));
        var stream = new DatasetStream(registered.DatasetId, Domain.Datasets.Dataset.Create(registered));
        var events = new List<object> { registered };
        var kind = _random.NextDouble();
        var license = kind < 0.4 ? License(stream.State, "CC-BY-4.0", at, commercial: true)
            : kind < 0.7 ? License(stream.State, "CC-BY-NC-4.0", at, commercial: false)
            : License(stream.State, null, at, commercial: false);
        var versions = _random.Next(1, 5);
        for (var v = 1; v <= versions; v++)
        {
            var when = at.AddMinutes(v);
            Derivation? derivation = null;
            if (v > 1 && _random.NextDouble() < 0.5)
            {
                var parents = new List<DatasetVersionRef> { new(stream.Id, v - 1) };
                var merge = _random.NextDouble() < 0.2 && cohort.Datasets.Count > 0;
                if (merge)
                {
                    var other = cohort.Datasets[_random.Next(cohort.Datasets.Count)];
                    parents.Add(new DatasetVersionRef(other.Id, other.State.Versions.Count));
                }

                derivation = new Derivation(parents, merge ? TransformationKind.Merge : Pick(ChainSteps), "curated for training", CodeRef());
            }

            Apply(stream, events, Contribute(stream, derivation, records, when, cohort));
            Apply(stream, events, Decision(stream.State, v, when, limitedDataSet: license.Kind == LicenseKind.DataUseAgreement && _random.NextDouble() < 0.15));
        }

        Apply(stream, events, [ManageLicense.Grant(stream.State, license)]);
        cohort.Datasets.Add(stream);
        return Emit(stream, events, StreamTypes.Dataset);
    }

    private IReadOnlyList<object> Contribute(DatasetStream stream, Derivation? derivation, long records, DateTimeOffset at, Cohort? cohort)
    {
        var files = Enumerable.Range(0, _random.Next(2, 6))
            .Select(f => new ManifestFile($"part-{f:D4}.parquet", _random.NextInt64(1_000_000, 900_000_000), Hex(32)))
            .ToList();
        var parents = derivation?.Parents.Where(p => p.DatasetId != stream.Id)
            .ToDictionary(p => p.DatasetId, p => Find(p.DatasetId, cohort)) ?? [];
        return ContributeVersion.Decide(
            new ContributeVersion(stream.Id, files, records - _random.Next(0, 500), Manifest.Fingerprint(files), $"s3://program-data/{stream.Id:N}/v{stream.State.Versions.Count + 1}/",
                derivation, stream.State.Steward, at, at),
            stream.State, parents);
    }

    private static Dataset Find(Guid id, Cohort? cohort) => cohort!.Datasets.First(s => s.Id == id).State;

    private List<object> Decision(Dataset dataset, int version, DateTimeOffset at, bool limitedDataSet)
    {
        var decided = new List<object>();
        var roll = _random.NextDouble();
        if (roll < 0.04)
        {
            // A rejected expert determination, then an approved Safe Harbor decision.
            decided.Add(DecideDeidentification.Decide(dataset, Expert(dataset, version, at, risk: 0.09m, DecisionOutcome.Rejected)));
            decided.Add(DecideDeidentification.Decide(dataset, SafeHarbor(dataset, version, at.AddMinutes(1))));
        }
        else if (limitedDataSet)
        {
            decided.Add(DecideDeidentification.Decide(dataset, new DeidentificationDecided(
                dataset.Id, version, NewId(), DeidentificationMethod.LimitedDataSet, null, null,
                new LimitedDataSetDetails($"DUA-{dataset.SourceInstitution[..3].ToUpperInvariant()}-{_random.Next(1000, 9999)}"), null,
                DecisionOutcome.Approved, "privacy-officer", at)));
        }
        else
        {
            decided.Add(DecideDeidentification.Decide(dataset, roll < 0.16 ? Expert(dataset, version, at, risk: 0.02m, DecisionOutcome.Approved) : SafeHarbor(dataset, version, at)));
        }

        return decided;
    }

    private DeidentificationDecided SafeHarbor(Dataset dataset, int version, DateTimeOffset at) => new(
        dataset.Id, version, NewId(), DeidentificationMethod.SafeHarbor, new SafeHarborDetails(SafeHarborIdentifiers, true), null, null, null,
        DecisionOutcome.Approved, "privacy-officer", at);

    private DeidentificationDecided Expert(Dataset dataset, int version, DateTimeOffset at, decimal risk, DecisionOutcome outcome)
    {
        var day = DateOnly.FromDateTime(at.UtcDateTime);
        return new(dataset.Id, version, NewId(), DeidentificationMethod.ExpertDetermination, null,
            new ExpertDeterminationDetails("Dr. A. Statistician", "PhD biostatistics; 12 years of re-identification risk analysis", $"reports/expert-{Hex(4)}.pdf",
                Hex(32), day, risk, 0.05m, ["no linkage to external registries"], day.AddYears(2)),
            null, null, outcome, "privacy-officer", at);
    }

    private LicenseGranted License(Dataset dataset, string? spdx, DateTimeOffset at, bool commercial)
    {
        var day = DateOnly.FromDateTime(at.UtcDateTime);
        List<PermittedUse> uses = commercial
            ? [PermittedUse.Research, PermittedUse.ModelTraining, PermittedUse.CommercialUse, PermittedUse.DerivativeWorks]
            : [PermittedUse.Research, PermittedUse.ModelTraining, PermittedUse.DerivativeWorks];
        return spdx is null
            ? new LicenseGranted(dataset.Id, NewId(), LicenseKind.DataUseAgreement, null, [dataset.SourceInstitution, "National AI Research Consortium"], null, "US", day,
                new LicenseTerms(uses, [Prohibition.Reidentification, Prohibition.Linkage, Prohibition.ContactingSubjects], day.AddYears(3), $"agreements/dua-{Hex(4)}.pdf", Hex(32)),
                "contracts-office", at)
            : new LicenseGranted(dataset.Id, NewId(), LicenseKind.Spdx, spdx, [dataset.SourceInstitution], dataset.SourceInstitution, "worldwide", day,
                new LicenseTerms(uses, [Prohibition.Reidentification], null, $"https://spdx.org/licenses/{spdx}.html", Hex(32)), "contracts-office", at);
    }

    private ScenarioAppend Protocol(Cohort cohort, string institution, List<Guid> covered, DateOnly approvedOn, ReviewType review, DateTimeOffset at)
    {
        var approved = ManageIrbProtocol.Approve(new IrbProtocolApproved(
            NewId(), $"{institution} IRB", $"IRB{_random.Next(1000, 99999):D8}", $"{approvedOn:yy}-{++_protocolNumber:D6}",
            $"Development of clinical prediction models from {institution} data", $"Dr. {Pick(Places).Split(' ')[0]} Investigator", review,
            review == ReviewType.Exempt ? 4 : null, approvedOn,
            review == ReviewType.Exempt ? ConsentBasis.HipaaAuthorizationWaiver : ConsentBasis.WaiverOrAlteration,
            // Expedited and exempt approvals need no continuing review (45 CFR 46.109(f)); full-board ones expire in a year.
            new IrbTerms(review == ReviewType.FullBoard ? approvedOn.AddYears(1) : null, [PermittedUse.Research, PermittedUse.ModelTraining], covered),
            "irb-coordinator", at), covered.ToHashSet());
        var stream = new ProtocolStream(approved.ProtocolId, IrbProtocol.Create(approved));
        cohort.Protocols.Add(stream);
        return Emit(stream, [approved], StreamTypes.IrbProtocol);
    }

    /// <summary>Changes to recent streams: continuing reviews, suspensions, license changes, consent withdrawals.</summary>
    private IEnumerable<ScenarioAppend> LaterChanges(DateTimeOffset at)
    {
        var day = DateOnly.FromDateTime(at.UtcDateTime);
        var old = _window[0];
        if (old.Protocols.Count > 0 && _random.NextDouble() < 0.3)
        {
            var protocol = Pick(old.Protocols);
            var terms = protocol.State.TermsOn(day) ?? protocol.State.Approval.Terms;
            var amended = ManageIrbProtocol.Amend(protocol.State,
                new IrbProtocolAmended(protocol.Id, day, terms with { ExpiresOn = terms.ExpiresOn is null ? null : day.AddYears(1) }, "Continuing review approved", "irb-coordinator", at),
                terms.CoveredDatasetIds.ToHashSet());
            yield return Emit(protocol, [amended], StreamTypes.IrbProtocol);
        }

        if (old.Protocols.Count > 0 && _random.NextDouble() < 0.02)
        {
            var protocol = Pick(old.Protocols);
            if (protocol.State.StatusOn(day)?.Status == IrbStatus.Active)
            {
                var suspended = ManageIrbProtocol.ChangeStatus(protocol.State,
                    new IrbProtocolSuspended(protocol.Id, day, "Noncompliance report under review", "irb-coordinator", at), day, IrbStatus.Suspended);
                yield return Emit(protocol, [suspended], StreamTypes.IrbProtocol);
            }
        }

        if (old.Datasets.Count > 0 && _random.NextDouble() < 0.25)
        {
            var stream = Pick(old.Datasets);
            var version = stream.State.Versions[^1];
            var withdrawn = WithdrawConsent.Decide(stream.State, NewId(), version.Version, Math.Min(_random.Next(1, 40), stream.State.PatientCount), day,
                [ConsentAction.ExcludeFromFutureTraining], "privacy-officer", at);
            yield return Emit(stream, [withdrawn], StreamTypes.Dataset);
        }

        if (old.Datasets.Count > 0 && _random.NextDouble() < 0.1)
        {
            var stream = Pick(old.Datasets);
            var license = stream.State.Licenses[0];
            object change = _random.NextDouble() < 0.3
                ? ManageLicense.Terminate(stream.State, new LicenseTerminated(stream.Id, license.Granted.LicenseId, day, "Agreement ended by the contributing institution", "contracts-office", at))
                : ManageLicense.Amend(stream.State, new LicenseAmended(stream.Id, license.Granted.LicenseId, day,
                    license.Granted.Terms with { DocumentReference = $"agreements/amendment-{Hex(4)}.pdf", DocumentSha256 = Hex(32) }, "Updated notice terms", "contracts-office", at));
            yield return Emit(stream, [change], StreamTypes.Dataset);
        }
    }

    /// <summary>A run of a new or existing model on recent versions that were cleared on its start day.</summary>
    private List<ScenarioAppend>? TrainingRun(DateTimeOffset startedAt)
    {
        var appends = new List<ScenarioAppend>();
        ModelStream model;
        if (_models.Count == 0 || _random.NextDouble() < 0.4)
        {
            var commercial = _random.NextDouble() < 0.3;
            var registered = new ModelRegistered(NewId(), $"{Pick(Modalities).Label} model {_models.Count + 1}", "National AI Research Consortium",
                "Clinical decision support research", commercial, "model-owner", startedAt.AddHours(-1));
            model = new ModelStream(registered.ModelId, new Model(registered, []));
            _models.Add(model);
            if (_models.Count > 50)
            {
                _models.RemoveAt(0);
            }

            appends.Add(Emit(model, [registered], StreamTypes.Model));
        }
        else
        {
            model = Pick(_models);
        }

        var datasets = _window.SelectMany(c => c.Datasets).ToList();
        var protocols = _window.SelectMany(c => c.Protocols).Select(p => p.State).ToList();
        var facts = new ClearanceFacts(datasets.ToDictionary(s => s.Id, s => s.State), protocols);
        var judge = new ClearanceRules.Judge(facts, model.State.Registration.Commercial);
        var day = DateOnly.FromDateTime(startedAt.UtcDateTime);
        var inputs = Enumerable.Range(0, _random.Next(5, 30))
            .Select(_ => Pick(datasets))
            .Distinct()
            .Select(s => s.State.Versions[_random.Next(s.State.Versions.Count)])
            .Where(v => judge.Evaluate(new DatasetVersionRef(v.Contribution.DatasetId, v.Version), day).Cleared)
            .Select(v => new TrainingInput(v.Contribution.DatasetId, v.Version, v.Contribution.Fingerprint))
            .ToList();
        if (inputs.Count == 0)
        {
            return appends.Count == 0 ? null : appends;
        }

        var version = $"{model.State.Versions.Count + 1}.0";
        var run = new TrainingRunRecorded(model.Id, NewId(), version, inputs, startedAt, startedAt.AddHours(_random.Next(2, 72)), CodeRef(),
            "scheduled training run", "ml-engineer", startedAt.AddDays(4));
        var events = ManageModel.RecordTrainingRun(model.State, run, null, facts).ToList();
        if (_random.NextDouble() < 0.5)
        {
            foreach (var e in events)
            {
                model.State = model.State.Apply(e);
            }

            var released = ManageModel.Release(model.State, new ModelVersionReleased(model.Id, version, "validated on held-out sites", "model-owner", startedAt.AddDays(5)),
                ChangeControlReview.NotADevice, null).Single();
            model.State = model.State.Apply(released);
            appends.Add(Emit(model, [.. events, released], StreamTypes.Model, applied: true));
        }
        else
        {
            appends.Add(Emit(model, events, StreamTypes.Model));
        }

        return appends;
    }

    /// <summary>The flagship: chains of derived, de-identified versions, their IRB protocols, and one run on all of them.</summary>
    private IEnumerable<ScenarioAppend> Flagship(DateTimeOffset at)
    {
        var cohort = new Cohort();
        const string institution = "Lakeshore Academic Health Network";
        var chains = new List<List<DatasetStream>>();
        for (var c = 0; c < _flagship.Chains; c++)
        {
            var chain = new List<DatasetStream>();
            for (var k = 0; k < _flagship.Depth; k++)
            {
                var when = at.AddMinutes((c * _flagship.Depth) + k);
                var (modality, label) = Modalities[c % Modalities.Length];
                var records = 50_000L - (k * 1_000);
                var registered = RegisterDataset.Decide(new RegisterDataset(
                    NewId(), $"Flagship {label} chain {c + 1} step {k + 1}", $"Step {k + 1} of the {label} curation pipeline", Steward(institution), institution,
                    modality, new DateOnly(2018, 1, 1), new DateOnly(2020, 12, 31), records, records / 4, Steward(institution), when));
                var stream = new DatasetStream(registered.DatasetId, Domain.Datasets.Dataset.Create(registered));
                var events = new List<object> { registered };
                var derivation = k == 0 ? null : new Derivation([new DatasetVersionRef(chain[k - 1].Id, 1)], ChainSteps[k % ChainSteps.Length], $"pipeline step {k + 1}", CodeRef());
                Apply(stream, events, Contribute(stream, derivation, records, when, cohort));
                Apply(stream, events, [DecideDeidentification.Decide(stream.State, SafeHarbor(stream.State, 1, when))]);
                Apply(stream, events, [ManageLicense.Grant(stream.State, License(stream.State, "CC-BY-4.0", when, commercial: true))]);
                chain.Add(stream);
                cohort.Datasets.Add(stream);
                yield return Emit(stream, events, StreamTypes.Dataset);
            }

            chains.Add(chain);
        }

        var approvedOn = DateOnly.FromDateTime(at.UtcDateTime).AddDays(1);
        foreach (var group in chains.Chunk(10))
        {
            yield return Protocol(cohort, institution, group.SelectMany(c => c).Select(s => s.Id).ToList(), approvedOn, ReviewType.Expedited, at.AddDays(1));
        }

        var registeredModel = new ModelRegistered(FlagshipModelId, "Flagship multimodal clinical foundation model", "National AI Research Consortium",
            "Research foundation model for clinical prediction", false, "model-owner", at.AddDays(2));
        var model = new ModelStream(FlagshipModelId, new Model(registeredModel, []));
        var startedAt = at.AddDays(3);
        var inputs = cohort.Datasets.Select(s => new TrainingInput(s.Id, 1, s.State.Versions[0].Contribution.Fingerprint)).ToList();
        var run = new TrainingRunRecorded(FlagshipModelId, NewId(), FlagshipModelVersion, inputs, startedAt, startedAt.AddDays(6), CodeRef(),
            "flagship pretraining run", "ml-engineer", startedAt.AddDays(7));
        var facts = new ClearanceFacts(cohort.Datasets.ToDictionary(s => s.Id, s => s.State), cohort.Protocols.Select(p => p.State).ToList());
        yield return Emit(model, [registeredModel, .. ManageModel.RecordTrainingRun(model.State, run, null, facts)], StreamTypes.Model);
    }

    private static void Apply(DatasetStream stream, List<object> events, IReadOnlyList<object> decided)
    {
        foreach (var e in decided)
        {
            stream.State = stream.State.Apply(e);
            events.Add(e);
        }
    }

    private ScenarioAppend Emit(Stream stream, IReadOnlyList<object> events, string type, bool applied = false)
    {
        var expected = stream.Version;
        stream.Version += events.Count;
        if (!applied)
        {
            // Dataset streams fold as they are built; the others fold here, once.
            switch (stream)
            {
                case ProtocolStream p when expected > 0:
                    foreach (var e in events)
                    {
                        p.State = p.State.Apply(e);
                    }

                    break;
                case DatasetStream d when expected > 0:
                    foreach (var e in events)
                    {
                        d.State = d.State.Apply(e);
                    }

                    break;
                case ModelStream m:
                    foreach (var e in events.Where(e => e is not ModelRegistered))
                    {
                        m.State = m.State.Apply(e);
                    }

                    break;
            }
        }

        EventCount += events.Count;
        AppendCount++;
        return new ScenarioAppend(stream.Id, type, expected, events);
    }

    private Guid NewId()
    {
        Span<byte> bytes = stackalloc byte[16];
        _random.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }

    private string Hex(int bytes)
    {
        var buffer = new byte[bytes];
        _random.NextBytes(buffer);
        return Convert.ToHexStringLower(buffer);
    }

    private string CodeRef() => $"git+https://code.example.org/pipelines.git@{Hex(20)}";

    private static string Steward(string institution) =>
        "steward@" + new string(institution.ToLowerInvariant().Where(char.IsLetter).Take(16).ToArray()) + ".example.org";

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    private sealed class Cohort
    {
        public List<DatasetStream> Datasets { get; } = [];

        public List<ProtocolStream> Protocols { get; } = [];
    }

    private abstract class Stream(Guid id)
    {
        public Guid Id { get; } = id;

        public int Version { get; set; }
    }

    private sealed class DatasetStream(Guid id, Dataset state) : Stream(id)
    {
        public Dataset State { get; set; } = state;
    }

    private sealed class ProtocolStream(Guid id, IrbProtocol state) : Stream(id)
    {
        public IrbProtocol State { get; set; } = state;
    }

    private sealed class ModelStream(Guid id, Model state) : Stream(id)
    {
        public Model State { get; set; } = state;
    }
}
