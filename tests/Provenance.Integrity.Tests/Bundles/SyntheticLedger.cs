using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Provenance.Integrity.Canonicalization;

namespace Provenance.Integrity.Tests.Bundles;

/// <summary>An event of the synthetic log: its canonical envelope (the leaf input) and the members tests select by.</summary>
internal sealed record LedgerEvent(long Position, Guid Id, Guid Stream, string StreamType, long Version, string Type, byte[] Envelope);

/// <summary>
/// A deterministic synthetic ledger for bundle tests and the verification benchmark (it is linked
/// into tests/Provenance.Cli.Tests and tests/Provenance.Benchmarks): datasets registered,
/// contributed, derived, de-identified, licensed and withdrawn from; IRB protocols approving and
/// amending coverage; models trained on dataset versions and released. Events of many streams
/// interleave, with versions from 1 in each stream, the data shaped as the ledger records it
/// (camelCase members, kebab-case enums; see the snapshots in tests/Provenance.Api.Tests), and
/// the envelopes canonical. The same seed always gives the same events; the log is generated as
/// it is enumerated, so a million events never sit in memory.
/// </summary>
internal sealed class SyntheticLedger(int seed)
{
    private const int ActiveDatasets = 60;
    private const int ActiveModels = 8;
    private const int ActiveProtocols = 10;

    private static readonly DateTimeOffset Start = new(2026, 1, 15, 14, 30, 0, TimeSpan.Zero);
    private static readonly string[] Institutions = ["Mercy Regional Health", "St. Olaf Children's Hospital", "Lakeside University Medical Center", "Northern Valley Clinics"];
    private static readonly string[] Stewards = ["Dana Whitfield", "Ravi Menon", "Grace Okafor", "Tomás Ibarra"];
    private static readonly string[] Modalities = ["structured-ehr", "clinical-notes", "imaging-ct", "imaging-mri", "ecg-waveforms"];
    private static readonly string[] Transformations = ["filter", "merge", "deidentification", "labeling", "tokenization"];
    private static readonly string[] Irbs = ["Mercy Regional Health Institutional Review Board", "Lakeside University IRB"];

    public IEnumerable<LedgerEvent> Generate(long count)
    {
        var state = new State(new Random(seed));
        while (state.Position < count)
        {
            foreach (var e in NextAppend(state))
            {
                if (e.Position > count)
                {
                    yield break;
                }

                yield return e;
            }
        }
    }

    private static IEnumerable<LedgerEvent> NextAppend(State state)
    {
        var random = state.Random;
        var roll = random.NextDouble();
        if (state.Datasets.Count < 3 || roll < 0.10)
        {
            return [RegisterDataset(state)];
        }

        var dataset = state.Datasets[random.Next(state.Datasets.Count)];
        if (dataset.Versions == 0 || roll < 0.35)
        {
            return [ContributeVersion(state, dataset)];
        }

        if (roll < 0.43)
        {
            var contributed = ContributeVersion(state, dataset);
            return [contributed, DeriveVersion(state, dataset)];
        }

        if (roll < 0.53)
        {
            return [DecideDeidentification(state, dataset)];
        }

        if (roll < 0.60)
        {
            return [GrantLicense(state, dataset)];
        }

        if (roll < 0.63)
        {
            return [WithdrawConsent(state, dataset)];
        }

        if (state.Protocols.Count < 1 || roll < 0.68)
        {
            return [ApproveProtocol(state)];
        }

        if (roll < 0.71)
        {
            return [AmendProtocol(state)];
        }

        if (state.Models.Count < 1 || roll < 0.75)
        {
            return [RegisterModel(state)];
        }

        var model = state.Models[random.Next(state.Models.Count)];
        return roll < 0.92 || model.Versions == 0 ? [RecordTrainingRun(state, model)] : [ReleaseModelVersion(state, model)];
    }

    private static LedgerEvent RegisterDataset(State state)
    {
        var id = state.NewId();
        var institution = state.Pick(Institutions);
        var steward = state.Pick(Stewards);
        var modality = state.Pick(Modalities);
        var dataset = new DatasetState(id, $"{institution} {modality} {state.Datasets.Count + 1}");
        state.Add(state.Datasets, dataset, ActiveDatasets);
        return state.Emit(id, "dataset", "dataset.registered", w =>
        {
            w.WriteString("datasetId", id);
            w.WriteString("name", dataset.Name);
            w.WriteString("description", "Adult inpatients, one row per encounter.");
            w.WriteString("steward", steward);
            w.WriteString("sourceInstitution", institution);
            w.WriteString("modality", modality);
            w.WriteString("collectionStart", "2019-01-01");
            w.WriteString("collectionEnd", "2023-12-31");
            w.WriteNumber("recordCount", 1_250_000);
            w.WriteNumber("patientCount", 310_000);
            w.WriteString("registeredBy", "steward-dana");
            w.WriteString("registeredAt", state.BusinessTime());
        });
    }

    private static LedgerEvent ContributeVersion(State state, DatasetState dataset)
    {
        var version = ++dataset.Versions;
        return state.Emit(dataset.Id, "dataset", "dataset.version-contributed", w =>
        {
            w.WriteString("datasetId", dataset.Id);
            w.WriteNumber("version", version);
            w.WriteStartArray("files");
            foreach (var part in new[] { "encounters", "labs" })
            {
                w.WriteStartObject();
                w.WriteString("path", $"{part}/v{version}/part-0000.parquet");
                w.WriteNumber("byteSize", 48_213_775 + state.Random.Next(1_000_000));
                w.WriteString("sha256", state.Hex(32));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteNumber("recordCount", 1_250_000 - version);
            w.WriteString("fingerprint", "sha256:" + state.Hex(32));
            w.WriteString("storageUri", $"s3://research-exports/{dataset.Id}/v{version}/");
            w.WriteString("contributedBy", "steward-dana");
            w.WriteString("contributedAt", state.BusinessTime());
        }, sameAppend: false);
    }

    private static LedgerEvent DeriveVersion(State state, DatasetState dataset)
    {
        var parent = state.Datasets[state.Random.Next(state.Datasets.Count)];
        var parentVersion = parent == dataset ? dataset.Versions - 1 : parent.Versions;
        return state.Emit(dataset.Id, "dataset", "dataset.version-derived", w =>
        {
            w.WriteString("datasetId", dataset.Id);
            w.WriteNumber("version", dataset.Versions);
            w.WriteStartArray("parents");
            if (parentVersion >= 1)
            {
                w.WriteStartObject();
                w.WriteString("datasetId", parent.Id);
                w.WriteNumber("version", parentVersion);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteString("transformation", state.Pick(Transformations));
            w.WriteString("description", "Without the records of the subjects who withdrew consent.");
            w.WriteString("codeReference", "git+https://git.example/research/deid-pipeline@4f2c9e1#filters/consent_exclusion.py");
            w.WriteString("derivedBy", "steward-dana");
            w.WriteString("derivedAt", state.BusinessTime());
        }, sameAppend: true);
    }

    private static LedgerEvent DecideDeidentification(State state, DatasetState dataset) =>
        state.Emit(dataset.Id, "dataset", "deidentification.decided", w =>
        {
            w.WriteString("datasetId", dataset.Id);
            w.WriteNumber("version", dataset.Versions);
            w.WriteString("decisionId", state.NewId());
            w.WriteString("method", "limited-data-set");
            w.WriteNull("safeHarbor");
            w.WriteNull("expertDetermination");
            w.WriteStartObject("limitedDataSet");
            w.WriteString("dataUseAgreementReference", "DUA-2024-007");
            w.WriteEndObject();
            w.WriteNull("notPhi");
            w.WriteString("outcome", "approved");
            w.WriteString("decidedBy", "Maria Chen, HIPAA Privacy Officer");
            w.WriteString("decidedAt", state.BusinessTime());
        });

    private static LedgerEvent GrantLicense(State state, DatasetState dataset) =>
        state.Emit(dataset.Id, "dataset", "license.granted", w =>
        {
            w.WriteString("datasetId", dataset.Id);
            w.WriteString("licenseId", state.NewId());
            w.WriteString("kind", "data-use-agreement");
            w.WriteNull("spdxId");
            w.WriteStartArray("parties");
            w.WriteStringValue("Mercy Regional Health");
            w.WriteStringValue("Northstar AI Labs, Inc.");
            w.WriteEndArray();
            w.WriteNull("attribution");
            w.WriteString("territory", "United States");
            w.WriteString("effectiveOn", "2026-01-01");
            w.WriteStartObject("terms");
            w.WriteStartArray("permittedUses");
            w.WriteStringValue("research");
            w.WriteStringValue("model-training");
            w.WriteEndArray();
            w.WriteStartArray("prohibitions");
            w.WriteStringValue("reidentification");
            w.WriteEndArray();
            w.WriteString("expiresOn", "2027-12-31");
            w.WriteString("documentReference", "DUA-2024-007");
            w.WriteString("documentSha256", state.Hex(32));
            w.WriteEndObject();
            w.WriteString("grantedBy", "steward-dana");
            w.WriteString("grantedAt", state.BusinessTime());
        });

    private static LedgerEvent WithdrawConsent(State state, DatasetState dataset) =>
        state.Emit(dataset.Id, "dataset", "consent.withdrawn", w =>
        {
            w.WriteString("datasetId", dataset.Id);
            w.WriteNumber("version", dataset.Versions);
            w.WriteString("withdrawalId", state.NewId());
            w.WriteNumber("subjectCount", 1 + state.Random.Next(300));
            w.WriteString("effectiveOn", "2026-02-01");
            w.WriteStartArray("requiredActions");
            w.WriteStringValue("exclude-from-future-training");
            w.WriteEndArray();
            w.WriteString("enteredBy", "steward-dana");
            w.WriteString("enteredAt", state.BusinessTime());
        });

    private static LedgerEvent ApproveProtocol(State state)
    {
        var id = state.NewId();
        var protocol = new ProtocolState(id);
        state.Add(state.Protocols, protocol, ActiveProtocols);
        return state.Emit(id, "irb-protocol", "irb.protocol-approved", w =>
        {
            w.WriteString("protocolId", id);
            w.WriteString("irbName", state.Pick(Irbs));
            w.WriteString("irbRegistration", "IRB00001234");
            w.WriteString("protocolNumber", $"21-{state.Random.Next(1_000_000):D6}");
            w.WriteString("title", "Secondary use of de-identified inpatient records to train a clinical summarization model");
            w.WriteString("principalInvestigator", "Dr. Alan Reyes");
            w.WriteString("reviewType", "full-board");
            w.WriteNull("exemptCategory");
            w.WriteString("approvedOn", "2025-01-11");
            w.WriteString("consentBasis", "waiver-or-alteration");
            WriteTerms(w, state);
            w.WriteString("enteredBy", "irb-office-lee");
            w.WriteString("enteredAt", state.BusinessTime());
        });
    }

    private static LedgerEvent AmendProtocol(State state)
    {
        var protocol = state.Protocols[state.Random.Next(state.Protocols.Count)];
        return state.Emit(protocol.Id, "irb-protocol", "irb.protocol-amended", w =>
        {
            w.WriteString("protocolId", protocol.Id);
            w.WriteString("effectiveOn", "2026-03-01");
            WriteTerms(w, state);
            w.WriteString("summary", "Adds the 2024 admissions to the covered datasets.");
            w.WriteString("enteredBy", "irb-office-lee");
            w.WriteString("enteredAt", state.BusinessTime());
        });
    }

    private static void WriteTerms(Utf8JsonWriter w, State state)
    {
        w.WriteStartObject("terms");
        w.WriteString("expiresOn", "2027-01-10");
        w.WriteStartArray("permittedUses");
        w.WriteStringValue("research");
        w.WriteStringValue("model-training");
        w.WriteEndArray();
        w.WriteStartArray("coveredDatasetIds");
        foreach (var dataset in state.Datasets.OrderBy(_ => state.Random.Next()).Take(3))
        {
            w.WriteStringValue(dataset.Id);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static LedgerEvent RegisterModel(State state)
    {
        var id = state.NewId();
        var model = new ModelState(id, $"Clinical Summarizer {state.Models.Count + 1}");
        state.Add(state.Models, model, ActiveModels);
        return state.Emit(id, "model", "model.registered", w =>
        {
            w.WriteString("modelId", id);
            w.WriteString("name", model.Name);
            w.WriteString("owner", "Northstar AI Labs, Inc.");
            w.WriteString("intendedUse", "Drafts inpatient discharge summaries for clinician review; not for autonomous diagnosis or treatment decisions.");
            w.WriteBoolean("commercial", true);
            w.WriteString("registeredBy", "mlops-chen");
            w.WriteString("registeredAt", state.BusinessTime());
        });
    }

    private static LedgerEvent RecordTrainingRun(State state, ModelState model)
    {
        var modelVersion = $"1.{model.Versions++}.0";
        var inputs = state.Datasets.Where(d => d.Versions > 0).OrderBy(_ => state.Random.Next()).Take(2).ToList();
        return state.Emit(model.Id, "model", "model.training-run-recorded", w =>
        {
            w.WriteString("modelId", model.Id);
            w.WriteString("runId", state.NewId());
            w.WriteString("modelVersion", modelVersion);
            w.WriteStartArray("inputs");
            foreach (var input in inputs)
            {
                w.WriteStartObject();
                w.WriteString("datasetId", input.Id);
                w.WriteNumber("version", input.Versions);
                w.WriteString("fingerprint", "sha256:" + state.Hex(32));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteString("startedAt", "2026-01-12T09:00:00+00:00");
            w.WriteString("finishedAt", "2026-01-14T21:45:00+00:00");
            w.WriteString("codeReference", "git+https://git.northstar.example/models/clinical-summarizer@9b1d3c7#configs/finetune-v1.yaml");
            w.WriteString("notes", "Fine-tuned for 58 hours on 8 GPUs; the 2023 test split was sequestered before training.");
            w.WriteString("enteredBy", "mlops-chen");
            w.WriteString("enteredAt", state.BusinessTime());
        });
    }

    private static LedgerEvent ReleaseModelVersion(State state, ModelState model) =>
        state.Emit(model.Id, "model", "model.version-released", w =>
        {
            w.WriteString("modelId", model.Id);
            w.WriteString("modelVersion", $"1.{model.Versions - 1}.0");
            w.WriteString("notes", "Released after clinical review.");
            w.WriteString("releasedBy", "mlops-chen");
            w.WriteString("releasedAt", state.BusinessTime());
        });

    private sealed class DatasetState(Guid id, string name)
    {
        public Guid Id { get; } = id;

        public string Name { get; } = name;

        public int Versions { get; set; }
    }

    private sealed record ProtocolState(Guid Id);

    private sealed class ModelState(Guid id, string name)
    {
        public Guid Id { get; } = id;

        public string Name { get; } = name;

        public int Versions { get; set; }
    }

    /// <summary>Where the generator is: the next position, each stream's version, the streams still in use.</summary>
    private sealed class State(Random random)
    {
        private readonly Dictionary<Guid, long> _versions = [];
        private readonly ArrayBufferWriter<byte> _json = new(4096);
        private DateTimeOffset _recordedAt = Start;
        private Guid _correlation;

        public Random Random { get; } = random;

        public long Position { get; private set; }

        public List<DatasetState> Datasets { get; } = [];

        public List<ProtocolState> Protocols { get; } = [];

        public List<ModelState> Models { get; } = [];

        public Guid NewId()
        {
            Span<byte> bytes = stackalloc byte[16];
            Random.NextBytes(bytes);
            bytes[7] = (byte)((bytes[7] & 0x0F) | 0x70);
            bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
            return new Guid(bytes);
        }

        public string Pick(string[] values) => values[Random.Next(values.Length)];

        public string Hex(int bytes)
        {
            Span<byte> buffer = stackalloc byte[bytes];
            Random.NextBytes(buffer);
            return Convert.ToHexStringLower(buffer);
        }

        /// <summary>When the business fact happened, as the API records it (System.Text.Json's DateTimeOffset form).</summary>
        public string BusinessTime() => _recordedAt.AddMinutes(-5).ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", CultureInfo.InvariantCulture);

        public void Add<T>(List<T> active, T item, int limit)
        {
            active.Add(item);
            if (active.Count > limit)
            {
                active.RemoveAt(0);
            }
        }

        /// <summary>The next event's envelope. An event of the same append as the one before shares its time and correlation.</summary>
        public LedgerEvent Emit(Guid stream, string streamType, string type, Action<Utf8JsonWriter> data, bool sameAppend = false)
        {
            Position++;
            if (!sameAppend)
            {
                _recordedAt = _recordedAt.AddTicks((1 + Random.Next(2_000_000)) * TimeSpan.TicksPerMicrosecond);
                _correlation = NewId();
            }

            var version = _versions[stream] = _versions.GetValueOrDefault(stream) + 1;
            var id = NewId();
            _json.ResetWrittenCount();
            using (var w = new Utf8JsonWriter(_json))
            {
                w.WriteStartObject();
                w.WriteNumber("position", Position);
                w.WriteString("id", id);
                w.WriteString("stream", stream);
                w.WriteNumber("version", version);
                w.WriteString("type", type);
                w.WriteNumber("schemaVersion", 1);
                w.WriteStartObject("data");
                data(w);
                w.WriteEndObject();
                w.WriteStartObject("metadata");
                w.WriteString("actorId", "anonymous");
                w.WriteString("actorRole", "anonymous");
                w.WriteString("correlationId", _correlation);
                w.WriteNull("causationId");
                w.WriteNull("idempotencyKey");
                w.WriteEndObject();
                w.WriteString("recordedAt", _recordedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
                w.WriteEndObject();
            }

            return new LedgerEvent(Position, id, stream, streamType, version, type, JsonCanonicalizer.Canonicalize(_json.WrittenSpan));
        }
    }
}
