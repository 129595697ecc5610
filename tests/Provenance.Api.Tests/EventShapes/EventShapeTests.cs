using System.Text.Json;
using Provenance.Domain.Access;
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
using Provenance.Domain.Models;

namespace Provenance.Api.Tests.EventShapes;

/// <summary>
/// The stored JSON of every event type is frozen in a snapshot: renaming a field or changing a
/// value's form fails here instead of silently corrupting the ledger. A deliberate change is a
/// new schema version with an upcaster, and a new snapshot.
/// </summary>
public sealed class EventShapeTests
{
    private static readonly Guid Id = Guid.Parse("01920000-0000-7000-8000-000000000001");
    private static readonly Guid NotesId = Guid.Parse("01920000-0000-7000-8000-000000000002");
    private static readonly Guid SafeHarborDecisionId = Guid.Parse("01920000-0000-7000-8000-000000000101");
    private static readonly Guid ExpertDecisionId = Guid.Parse("01920000-0000-7000-8000-000000000102");
    private static readonly Guid LimitedDataSetDecisionId = Guid.Parse("01920000-0000-7000-8000-000000000103");
    private static readonly Guid NotPhiDecisionId = Guid.Parse("01920000-0000-7000-8000-000000000104");
    private static readonly Guid DuaId = Guid.Parse("01920000-0000-7000-8000-000000000201");
    private static readonly Guid SpdxLicenseId = Guid.Parse("01920000-0000-7000-8000-000000000202");
    private static readonly Guid WithdrawalId = Guid.Parse("01920000-0000-7000-8000-000000000301");
    private static readonly Guid ProtocolId = Guid.Parse("01920000-0000-7000-8000-000000000401");
    private static readonly Guid ExemptProtocolId = Guid.Parse("01920000-0000-7000-8000-000000000402");
    private static readonly Guid ModelId = Guid.Parse("01920000-0000-7000-8000-000000000501");
    private static readonly Guid RunId = Guid.Parse("01920000-0000-7000-8000-000000000502");
    private static readonly Guid RegulatoryRecordId = Guid.Parse("01920000-0000-7000-8000-000000000503");
    private static readonly Guid PlanId = Guid.Parse("01920000-0000-7000-8000-000000000504");
    private static readonly Guid EvaluationId = Guid.Parse("01920000-0000-7000-8000-000000000505");
    private static readonly Guid FindingId = Guid.Parse("01920000-0000-7000-8000-000000000506");
    private static readonly Guid ApiKeyId = Guid.Parse("01920000-0000-7000-8000-000000000601");
    private static readonly DateTimeOffset At = new(2026, 1, 15, 14, 30, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset RunStartedAt = new(2026, 1, 12, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset RunFinishedAt = new(2026, 1, 14, 21, 45, 0, TimeSpan.Zero);
    private static readonly JsonSerializerOptions Indented = new(EventJson.Options) { WriteIndented = true };

    private static readonly IReadOnlyList<ManifestFile> EhrFiles =
    [
        new("conditions.parquet", 48_213_775, "4f3374212c0d0ed876ebdbc4cfabecb8125a89ed9b94cbff746c1dc2d642ab8b"),
        new("encounters.parquet", 131_904_228, "8172915c10041275eba6a67ed292f5d8e5558c96017fd83c5569d00ff68f56cd"),
        new("labs.parquet", 402_118_660, "a6ed8ec763ca2e5256dd0a0adbc7e5dbcf05bc7a647ab3924e2fb8bf4c16e77f"),
        new("medications.parquet", 97_551_302, "56c9ec61328fc0ddac3868f8376160078afc6ff41de32ae4107fc99a9ad86752"),
        new("README.md", 6_418, "b964daecdd5245385990c1b62a5ca5778b5b7efaa657206d7626e0ff2c8022c5"),
    ];

    private static readonly IReadOnlyList<ManifestFile> NotesFiles =
    [
        new("notes/discharge-summaries.jsonl.zst", 2_871_440_113, "3f7adf08de83e643fe6db5e279ce58821ab6504a1d032884f0939d3876035afa"),
        new("notes/progress-notes.jsonl.zst", 9_114_502_877, "80cbd9ad5841905bbe2169dad37712b55c6d575b86be95b2d60607081f9bb0ee"),
        new("notes/radiology-reports.jsonl.zst", 1_204_996_318, "0b018ced5d1a1f0e393a06df437903818c89506340e7d15c4ea85dc46f9b384b"),
    ];

    private static readonly ModelCardFacts ModelCard = new(
        "ai-governance@northstar.example", "Commercial", "United States",
        "Flags chest CT studies with suspected pulmonary nodules so radiologists read them first.", ["radiology", "triage", "pulmonary nodules"],
        "Runs on each chest CT as it arrives; flagged studies move up the worklist. It does not diagnose.", "Radiologists",
        "Read flagged studies first; the flag is shown beside the study, never in the report.", "Adults 18 and older having chest CT",
        "Pediatric CT; CT angiography; studies with contrast timing outside the protocol", "Misses some nodules under 6 mm; not validated on photon-counting CT",
        "Sensitivity is lower on low-dose screening CT", "Moderate: a missed flag delays reading but does not remove the study from the worklist",
        "A triage flag and a heat map", "3D convolutional neural network", null, "Input: DICOM chest CT; output: a flag and a heat map",
        "Site-balanced sampling; subgroup review by sex, age band and scanner vendor", "Quarterly drift review; retraining under the PCCP", "SOC 2 Type II hosting",
        "Company-funded", "Radiologists and patient advocates at two sites", "None yet");

    private static readonly IrbTerms ProtocolTerms = new(new DateOnly(2026, 1, 10), [PermittedUse.Research, PermittedUse.ModelTraining], [Id, NotesId]);

    /// <summary>One example of every event type in the catalog.</summary>
    public static IReadOnlyDictionary<Type, object> Examples { get; } = new Dictionary<Type, object>
    {
        [typeof(DatasetRegistered)] = new DatasetRegistered(
            Id, "Mercy structured EHR", "Adult inpatients", "Dana Whitfield", "Mercy Regional Health", Modality.StructuredEhr,
            new DateOnly(2019, 1, 1), new DateOnly(2023, 12, 31), 1_250_000, 310_000, "steward-dana", At),

        [typeof(DatasetVersionContributed)] = new DatasetVersionContributed(
            Id, 1, EhrFiles, 1_250_000, Manifest.Fingerprint(EhrFiles), "s3://mercy-research-exports/structured-ehr/v1/", "steward-dana", At),

        [typeof(DatasetVersionDerived)] = new DatasetVersionDerived(
            Id, 2, [new DatasetVersionRef(Id, 1)], TransformationKind.Filter,
            "Version 1 without the records of the 214 subjects who withdrew consent effective 2026-01-10.",
            "git+https://git.mercy.example/research/deid-pipeline@4f2c9e1#filters/consent_exclusion.py", "steward-dana", At),

        [typeof(DatasetVersionQuarantined)] = new DatasetVersionQuarantined(
            Id, 1, "QA sampling flagged possible telephone numbers in the free-text chief-complaint column; held for privacy office review.",
            "steward-dana", At),

        [typeof(DatasetVersionReleased)] = new DatasetVersionReleased(
            Id, 1, "Privacy office review of 10,000 sampled rows found no identifiers: the flagged values were lab accession codes.",
            "privacy-raman", At),

        [typeof(DatasetRetired)] = new DatasetRetired(
            Id, "Superseded by the 2019-2025 extract, registered as a new dataset; no new training may use this one.", "steward-dana", At),

        [typeof(DeidentificationDecided)] = new DeidentificationDecided(
            Id, 1, SafeHarborDecisionId, DeidentificationMethod.SafeHarbor,
            new SafeHarborDetails(
            [
                new(SafeHarborIdentifier.Names, IdentifierTreatment.Removed),
                new(SafeHarborIdentifier.GeographicSubdivisions, IdentifierTreatment.Generalized),
                new(SafeHarborIdentifier.Dates, IdentifierTreatment.Generalized),
                new(SafeHarborIdentifier.TelephoneNumbers, IdentifierTreatment.Removed),
                new(SafeHarborIdentifier.FaxNumbers, IdentifierTreatment.Removed),
                new(SafeHarborIdentifier.EmailAddresses, IdentifierTreatment.Removed),
                new(SafeHarborIdentifier.SocialSecurityNumbers, IdentifierTreatment.Removed),
                new(SafeHarborIdentifier.MedicalRecordNumbers, IdentifierTreatment.Removed),
                new(SafeHarborIdentifier.HealthPlanBeneficiaryNumbers, IdentifierTreatment.Removed),
                new(SafeHarborIdentifier.AccountNumbers, IdentifierTreatment.Removed),
                new(SafeHarborIdentifier.CertificateLicenseNumbers, IdentifierTreatment.Removed),
                new(SafeHarborIdentifier.VehicleIdentifiers, IdentifierTreatment.NotPresent),
                new(SafeHarborIdentifier.DeviceIdentifiers, IdentifierTreatment.Removed),
                new(SafeHarborIdentifier.Urls, IdentifierTreatment.NotPresent),
                new(SafeHarborIdentifier.IpAddresses, IdentifierTreatment.NotPresent),
                new(SafeHarborIdentifier.BiometricIdentifiers, IdentifierTreatment.NotPresent),
                new(SafeHarborIdentifier.FullFacePhotographs, IdentifierTreatment.NotPresent),
                new(SafeHarborIdentifier.OtherUniqueIdentifiers, IdentifierTreatment.Removed),
            ], NoActualKnowledge: true),
            null, null, null, DecisionOutcome.Approved, "Priya Raman, Privacy Officer, Mercy Regional Health", At),

        [typeof(DeidentificationRescinded)] = new DeidentificationRescinded(
            NotesId, ExpertDecisionId,
            "The expert withdrew determination ED-2025-117: the recipient moved processing outside the secure enclave, breaking its second condition.",
            "privacy-raman", At),

        [typeof(LicenseGranted)] = new LicenseGranted(
            Id, DuaId, LicenseKind.DataUseAgreement, null,
            ["Mercy Regional Health (data provider)", "Northstar AI Labs, Inc. (data recipient)"],
            "Contains data contributed by Mercy Regional Health.", "United States", new DateOnly(2025, 12, 1),
            new LicenseTerms(
                [PermittedUse.Research, PermittedUse.ModelTraining],
                [Prohibition.Reidentification, Prohibition.Linkage, Prohibition.ContactingSubjects],
                new DateOnly(2028, 11, 30), "DUA-2025-0231", "f2e1324a323bbbc8ec35a914f2f9daef44554f281dfa873528f55ef764178ecd"),
            "steward-dana", At),

        [typeof(LicenseAmended)] = new LicenseAmended(
            Id, DuaId, new DateOnly(2026, 2, 1),
            new LicenseTerms(
                [PermittedUse.Research, PermittedUse.ModelTraining, PermittedUse.CommercialUse],
                [Prohibition.Reidentification, Prohibition.Linkage, Prohibition.ContactingSubjects],
                new DateOnly(2028, 11, 30), "DUA-2025-0231 Amendment 1", "d87a9031fa45a6f8625e7f7bada6dec8f2b8fce25d0c2649a15c6a675c57fafb"),
            "Amendment 1 permits commercial use of models trained on the data.", "steward-dana", At),

        [typeof(LicenseTerminated)] = new LicenseTerminated(
            Id, DuaId, new DateOnly(2026, 3, 31),
            "Ended by mutual agreement at the close of the pilot; the recipient certified destruction of all copies.", "steward-dana", At),

        [typeof(ConsentWithdrawn)] = new ConsentWithdrawn(
            Id, 1, WithdrawalId, 214, new DateOnly(2026, 1, 10),
            [ConsentAction.ExcludeFromFutureTraining, ConsentAction.RetrainAffectedModels], "steward-dana", At),

        [typeof(IrbProtocolApproved)] = new IrbProtocolApproved(
            ProtocolId, "Mercy Regional Health Institutional Review Board", "IRB00001234", "21-004512",
            "Secondary use of de-identified inpatient records to train a clinical summarization model", "Dr. Alan Reyes",
            ReviewType.FullBoard, null, new DateOnly(2025, 1, 11), ConsentBasis.WaiverOrAlteration, ProtocolTerms, "irb-office-lee", At),

        [typeof(IrbProtocolAmended)] = new IrbProtocolAmended(
            ProtocolId, new DateOnly(2026, 1, 9),
            new IrbTerms(new DateOnly(2027, 1, 8), [PermittedUse.Research, PermittedUse.ModelTraining, PermittedUse.CommercialUse], [Id, NotesId]),
            "Continuing review approved 2026-01-09: approval extended to 2027-01-08 and commercial use of the trained model added.",
            "irb-office-lee", At),

        [typeof(IrbProtocolSuspended)] = new IrbProtocolSuspended(
            ProtocolId, new DateOnly(2026, 2, 3), "Suspended pending review of a data-handling deviation reported by the recipient.", "irb-office-lee", At),

        [typeof(IrbProtocolReinstated)] = new IrbProtocolReinstated(
            ProtocolId, new DateOnly(2026, 2, 20), "The convened IRB accepted the corrective action plan on 2026-02-19.", "irb-office-lee", At),

        [typeof(IrbProtocolTerminated)] = new IrbProtocolTerminated(
            ProtocolId, new DateOnly(2026, 4, 1),
            "Serious noncompliance: data shared with an unapproved sub-processor. Reported to OHRP and the institutional official.", "irb-office-lee", At),

        [typeof(IrbProtocolClosed)] = new IrbProtocolClosed(
            ProtocolId, new DateOnly(2027, 1, 8), "Study complete: final report accepted and working copies destroyed per the data management plan.",
            "irb-office-lee", At),

        [typeof(ModelRegistered)] = new ModelRegistered(
            ModelId, "Northstar Clinical Summarizer", "Northstar AI Labs, Inc.",
            "Drafts inpatient discharge summaries for clinician review; not for autonomous diagnosis or treatment decisions.", true, "mlops-chen", At),

        [typeof(TrainingRunRecorded)] = new TrainingRunRecorded(
            ModelId, RunId, "1.0.0",
            [new TrainingInput(Id, 1, Manifest.Fingerprint(EhrFiles)), new TrainingInput(NotesId, 1, Manifest.Fingerprint(NotesFiles))],
            RunStartedAt, RunFinishedAt, "git+https://git.northstar.example/models/clinical-summarizer@9b1d3c7#configs/finetune-v1.yaml",
            "Fine-tuned for 58 hours on 8 GPUs; the 2023 test split was sequestered before training.", "mlops-chen", At),

        [typeof(TrainingClearanceOverridden)] = new TrainingClearanceOverridden(
            ModelId, RunId,
            [new ClearanceFinding(new DatasetVersionRef(Id, 1), "irb-expired", "IRB protocol 21-004512 expired 2026-01-10, 2 days before 2026-01-12.")],
            "The IRB approved continuing review on 2026-01-09 (approval letter on file); the amendment extending the approval was not yet on the ledger.",
            "admin-ortiz", At),

        [typeof(ModelVersionReleased)] = new ModelVersionReleased(
            ModelId, "1.0.0", "Released to the Mercy inpatient pilot after clinician review of 500 held-out summaries.", "mlops-chen", At),

        [typeof(ModelVersionWithdrawn)] = new ModelVersionWithdrawn(
            ModelId, "1.0.0",
            "Trained on Mercy structured EHR v1, which holds 214 subjects who withdrew consent effective 2026-01-10; superseded by 1.1.0, trained on v2.",
            "mlops-chen", At),

        [typeof(RegulatoryStatusRecorded)] = new RegulatoryStatusRecorded(
            ModelId, RegulatoryRecordId, RegulatoryStatusKind.MarketedDevice, new DateOnly(2026, 3, 2), null,
            new DeviceAuthorization(DeviceClass.ClassIi, MarketingPathway.PremarketNotification, "K253017", "QIH", new DateOnly(2026, 2, 27),
                "Radiological computer-assisted triage of chest CT studies with suspected pulmonary nodules 6 mm or larger, for adults 18 and older.", "1.0.0"),
            "FDA 510(k) clearance letter of 2026-02-27, with an authorized PCCP.",
            new EuRegulatoryFacts(AiActRiskCategory.High, MdrClass.ClassIia), "regulatory-affairs-kim", At),

        [typeof(ChangeControlPlanAuthorized)] = new ChangeControlPlanAuthorized(
            ModelId, PlanId, "K253017", new DateOnly(2026, 2, 27),
            [
                new PlannedModification(ModificationKind.RetrainingOnNewData, "Periodic retraining on new studies from the contributing sites.", [], [], [], 20_000),
                new PlannedModification(ModificationKind.AddingInstitution, "Adding studies from the listed partner hospital.", ["Lakeshore Community Hospital"], [], [], 5_000),
            ],
            new DataManagementPractices([ProtocolId], [DuaId], "Consensus read of two fellowship-trained thoracic radiologists, blinded to the model output."),
            [new AcceptanceCriterion("sensitivity", "adults 18+, nodules >= 6 mm", 0.90, ThresholdDirection.AtLeast)],
            "regulatory-affairs-kim", At),

        [typeof(ModelReleaseOverridden)] = new ModelReleaseOverridden(
            ModelId, "1.2.0",
            [new ChangeControlFinding("pccp-modality-not-allowed", "Mercy chest MRI v1 is imaging-mri, a modality the plan of K253017 does not allow (allowed: imaging-ct).")],
            "The FDA agreed in a pre-submission meeting on 2026-05-04 that the MRI-derived labels do not change the device's inputs; a new 510(k) is filed.",
            "admin-ortiz", At),

        [typeof(PerformanceEvaluated)] = new PerformanceEvaluated(
            ModelId, EvaluationId, "1.0.0", "sensitivity", 0.93, 0.91, 0.95, new EvaluationData(NotesId, 1, Manifest.Fingerprint(NotesFiles)),
            EvaluationSource.External, true, "adults 18+, nodules >= 6 mm", new AcceptanceCriterion("sensitivity", "adults 18+, nodules >= 6 mm", 0.90, ThresholdDirection.AtLeast),
            true, "Lakeshore clinical validation team", new DateOnly(2026, 1, 20), "validation-lead-park", At),

        [typeof(MonitoringFindingRecorded)] = new MonitoringFindingRecorded(
            ModelId, FindingId, "1.0.0", MonitoringFindingKind.PerformanceDrift, FindingSeverity.Moderate,
            "Sensitivity on low-dose screening CT fell from 0.93 to 0.87 over 90 days after a scanner protocol change at one site.",
            "Site notified; low-dose studies routed to standard reading; retraining on post-change studies scheduled under the PCCP.",
            new DateOnly(2026, 6, 15), "postmarket-lee", At),

        [typeof(ModelCardFactsRecorded)] = new ModelCardFactsRecorded(ModelId, "1.0.0", ModelCard, "mlops-chen", At),

        [typeof(ApiKeyIssued)] = new ApiKeyIssued(
            ApiKeyId, "dana.whitfield@mercy.example", [Role.Steward], "Mercy Regional Health",
            "5d7f0c2c4bd5a1a0f6d1e3c4b7a8f9e0d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a6", new DateTimeOffset(2026, 4, 15, 14, 30, 0, TimeSpan.Zero),
            "Dana's key for the Mercy steward workstation; rotate quarterly.", "admin-ortiz", At),

        [typeof(ApiKeyRevoked)] = new ApiKeyRevoked(ApiKeyId, "Workstation reported lost; key revoked the same day.", "admin-ortiz", At),

        [typeof(ApiKeyExpiryChanged)] = new ApiKeyExpiryChanged(
            ApiKeyId, new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero), "Dana moves to another team on 2026-02-01.", "admin-ortiz", At),
    };

    /// <summary>
    /// Further examples of event types whose shape varies (one detail block per method, optional
    /// fields that the main example leaves null), each frozen as <c>&lt;name&gt;.v&lt;version&gt;.&lt;variant&gt;.json</c>.
    /// </summary>
    public static IReadOnlyList<(Type Type, string Variant, object Example)> Variants { get; } =
    [
        (typeof(RegulatoryStatusRecorded), "non-device-cds", new RegulatoryStatusRecorded(
            ModelId, RegulatoryRecordId, RegulatoryStatusKind.NonDeviceCds, new DateOnly(2026, 1, 15),
            [
                new CdsCriterionAttestation(1, "Reads structured EHR fields and notes only; no image, IVD signal or physiological waveform."),
                new CdsCriterionAttestation(2, "Displays the patient's own record and published guidelines."),
                new CdsCriterionAttestation(3, "Suggests a discharge summary draft to the attending clinician."),
                new CdsCriterionAttestation(4, "Every sentence links to the notes it came from, so the clinician can check the basis."),
            ],
            null, null, null, "regulatory-affairs-kim", At)),

        (typeof(DeidentificationDecided), "expert-determination", new DeidentificationDecided(
            NotesId, 1, ExpertDecisionId, DeidentificationMethod.ExpertDetermination, null,
            new ExpertDeterminationDetails(
                "Dr. Miriam Okafor",
                "PhD in biostatistics; 12 years of statistical disclosure control for health data; author of the institution's re-identification risk methodology.",
                "ED-2025-117: Re-identification risk assessment of Mercy clinical notes",
                "9ddb545cc14f079e55e72073cd75f1c77d286c0f9ed2a59343ca78fed4745868",
                new DateOnly(2026, 1, 8), 0.0004m, 0.01m,
                [
                    "Recipient: Northstar AI Labs, Inc. only",
                    "Processing only inside the Mercy-hosted secure enclave",
                    "No linkage with any other dataset",
                    "No attempt to identify or contact any individual",
                ],
                new DateOnly(2027, 1, 8)),
            null, null, DecisionOutcome.Approved, "Priya Raman, Privacy Officer, Mercy Regional Health", At)),

        (typeof(DeidentificationDecided), "limited-data-set", new DeidentificationDecided(
            Id, 1, LimitedDataSetDecisionId, DeidentificationMethod.LimitedDataSet, null, null,
            new LimitedDataSetDetails("DUA-2025-0231"), null, DecisionOutcome.Approved, "Priya Raman, Privacy Officer, Mercy Regional Health", At)),

        (typeof(DeidentificationDecided), "not-phi", new DeidentificationDecided(
            Id, 1, NotPhiDecisionId, DeidentificationMethod.NotPhi, null, null, null,
            new NotPhiDetails("Synthetic records generated with Synthea 3.3.0 from public census and disease-prevalence inputs; no patient contributed data."),
            DecisionOutcome.Approved, "Priya Raman, Privacy Officer, Mercy Regional Health", At)),

        (typeof(LicenseGranted), "spdx", new LicenseGranted(
            NotesId, SpdxLicenseId, LicenseKind.Spdx, "CC-BY-4.0", ["Mercy Regional Health (licensor)"],
            "Mercy clinical notes benchmark, Mercy Regional Health, 2026.", "Worldwide", new DateOnly(2026, 1, 1),
            new LicenseTerms(
                [PermittedUse.Research, PermittedUse.ModelTraining, PermittedUse.CommercialUse, PermittedUse.Redistribution, PermittedUse.DerivativeWorks],
                [], null, "https://creativecommons.org/licenses/by/4.0/legalcode", "08aced2a0f5aad2ce21d117f19b3905d5c49977decc0f40fc12081201b2a5fef"),
            "steward-dana", At)),

        (typeof(IrbProtocolApproved), "exempt", new IrbProtocolApproved(
            ExemptProtocolId, "Mercy Regional Health Institutional Review Board", "IRB00001234", "24-001873",
            "Secondary research use of EHR data to evaluate a sepsis early-warning model", "Dr. Alan Reyes",
            ReviewType.Exempt, 4, new DateOnly(2024, 5, 2), ConsentBasis.HipaaAuthorizationWaiver,
            new IrbTerms(null, [PermittedUse.Research], [Id]), "irb-office-lee", At)),
    ];

    public static TheoryData<string> EventNames => new(EventCatalog.All.Select(e => e.Name));

    public static TheoryData<string, string> VariantNames
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var (type, variant, _) in Variants)
            {
                data.Add(Name(type), variant);
            }

            return data;
        }
    }

    [Fact]
    public void Every_catalogued_event_has_an_example()
    {
        Assert.All(EventCatalog.All, e => Assert.True(Examples.ContainsKey(e.ClrType), $"{e.Name} has no example in EventShapeTests"));
    }

    [Fact]
    public void Every_example_is_of_the_type_it_stands_for()
    {
        Assert.All(Examples, e => Assert.IsType(e.Key, e.Value));
        Assert.All(Variants, v => Assert.IsType(v.Type, v.Example));
    }

    [Theory]
    [MemberData(nameof(EventNames))]
    public void The_stored_shape_of_each_event_matches_its_snapshot(string name)
    {
        var (type, _, version) = EventCatalog.All.Single(e => e.Name == name);
        AssertMatchesSnapshot(type, Examples[type], $"{name}.v{version}.json");
    }

    [Theory]
    [MemberData(nameof(VariantNames))]
    public void The_stored_shape_of_each_variant_matches_its_snapshot(string name, string variant)
    {
        var (type, _, version) = EventCatalog.All.Single(e => e.Name == name);
        var example = Variants.Single(v => v.Type == type && v.Variant == variant).Example;
        AssertMatchesSnapshot(type, example, $"{name}.v{version}.{variant}.json");
    }

    [Theory]
    [MemberData(nameof(EventNames))]
    public void Each_snapshot_reads_back_to_the_same_shape(string name)
    {
        var (type, _, version) = EventCatalog.All.Single(e => e.Name == name);
        var snapshot = Path.Combine(SnapshotFolder(), $"{name}.v{version}.json");
        if (!File.Exists(snapshot))
        {
            // The missing snapshot already fails the shape test above.
            return;
        }

        var stored = File.ReadAllText(snapshot);
        var read = JsonSerializer.Deserialize(stored, type, EventJson.Options);

        Assert.Equal(stored.ReplaceLineEndings("\n").TrimEnd(), JsonSerializer.Serialize(read, type, Indented).ReplaceLineEndings("\n").TrimEnd());
    }

    private static void AssertMatchesSnapshot(Type type, object example, string fileName)
    {
        var json = JsonSerializer.Serialize(example, type, Indented);
        var snapshot = Path.Combine(SnapshotFolder(), fileName);

        if (!File.Exists(snapshot))
        {
            File.WriteAllText(snapshot + ".received", json);
            Assert.Fail($"No snapshot {fileName}: review {snapshot}.received and rename it.");
        }

        Assert.Equal(File.ReadAllText(snapshot).ReplaceLineEndings("\n").TrimEnd(), json.ReplaceLineEndings("\n").TrimEnd());
    }

    private static string Name(Type type) => EventCatalog.All.Single(e => e.ClrType == type).Name;

    private static string SnapshotFolder([System.Runtime.CompilerServices.CallerFilePath] string path = "") =>
        Path.Combine(Path.GetDirectoryName(path)!, "Snapshots");
}
