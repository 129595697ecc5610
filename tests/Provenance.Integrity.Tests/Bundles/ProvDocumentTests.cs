using System.Text;
using System.Text.Json;
using Provenance.Integrity.Bundles;
using Provenance.Integrity.Canonicalization;

namespace Provenance.Integrity.Tests.Bundles;

public sealed class ProvDocumentTests
{
    private static readonly Guid Dataset = Guid.Parse("01920000-0000-7000-8000-000000000001");
    private static readonly Guid Protocol = Guid.Parse("01920000-0000-7000-8000-000000000401");
    private static readonly Guid Model = Guid.Parse("01920000-0000-7000-8000-000000000501");
    private static readonly Guid Run = Guid.Parse("01920000-0000-7000-8000-000000000502");

    private static readonly string[] Lineage =
    [
        Envelope(1, Dataset, 1, "dataset.registered", $$"""
            {"datasetId": "{{Dataset}}", "name": "Mercy structured EHR", "description": "Adult inpatients", "steward": "Dana Whitfield",
             "sourceInstitution": "Mercy Regional Health", "modality": "structured-ehr", "collectionStart": "2019-01-01", "collectionEnd": "2023-12-31",
             "recordCount": 1250000, "patientCount": 310000, "registeredBy": "steward-dana", "registeredAt": "2026-01-15T14:30:00+00:00"}
            """),
        Envelope(2, Dataset, 2, "dataset.version-contributed", $$"""
            {"datasetId": "{{Dataset}}", "version": 1, "files": [], "recordCount": 1250000, "fingerprint": "sha256:aa",
             "storageUri": "s3://x/v1/", "contributedBy": "steward-dana", "contributedAt": "2026-01-15T14:30:00+00:00"}
            """),
        Envelope(3, Dataset, 3, "dataset.version-contributed", $$"""
            {"datasetId": "{{Dataset}}", "version": 2, "files": [], "recordCount": 1249786, "fingerprint": "sha256:bb",
             "storageUri": "s3://x/v2/", "contributedBy": "steward-dana", "contributedAt": "2026-01-15T14:30:00+00:00"}
            """),
        Envelope(4, Dataset, 4, "dataset.version-derived", $$"""
            {"datasetId": "{{Dataset}}", "version": 2, "parents": [{"datasetId": "{{Dataset}}", "version": 1}], "transformation": "filter",
             "description": "Without the withdrawn subjects.", "codeReference": "git+https://git.example/deid@4f2c9e1", "derivedBy": "steward-dana",
             "derivedAt": "2026-01-15T14:30:00+00:00"}
            """),
        Envelope(5, Dataset, 5, "license.granted", $$"""{"datasetId": "{{Dataset}}", "licenseId": "{{Guid.Empty}}"}"""),
        Envelope(6, Protocol, 1, "irb.protocol-approved", $$"""
            {"protocolId": "{{Protocol}}", "irbName": "Mercy IRB", "terms": {"expiresOn": null, "permittedUses": ["model-training"], "coveredDatasetIds": ["{{Dataset}}"]} }
            """),
        Envelope(7, Model, 1, "model.registered", $$"""
            {"modelId": "{{Model}}", "name": "Northstar Clinical Summarizer", "owner": "Northstar AI Labs, Inc.", "intendedUse": "Drafts summaries",
             "commercial": true, "registeredBy": "mlops-chen", "registeredAt": "2026-01-15T14:30:00+00:00"}
            """),
        Envelope(8, Model, 2, "model.training-run-recorded", $$"""
            {"modelId": "{{Model}}", "runId": "{{Run}}", "modelVersion": "1.0 beta", "inputs": [{"datasetId": "{{Dataset}}", "version": 2, "fingerprint": "sha256:bb"}],
             "startedAt": "2026-01-12T09:00:00+00:00", "finishedAt": "2026-01-14T21:45:00+00:00", "codeReference": "git+x", "notes": "",
             "enteredBy": "mlops-chen", "enteredAt": "2026-01-15T14:30:00+00:00"}
            """),
    ];

    private static string Envelope(long position, Guid stream, long version, string type, string data) =>
        Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize($$"""
            {"position": {{position}}, "id": "{{Guid.NewGuid()}}", "stream": "{{stream}}", "version": {{version}}, "type": "{{type}}", "schemaVersion": 1,
             "data": {{data}}, "metadata": {"actorId": "anonymous"}, "recordedAt": "2026-01-15T14:30:00.000000Z"}
            """));

    private static byte[] Build(IEnumerable<string> envelopes)
    {
        using var builder = new ProvDocumentBuilder();
        foreach (var envelope in envelopes)
        {
            builder.Add(Encoding.UTF8.GetBytes(envelope));
        }

        return builder.ToCanonicalJson();
    }

    private static HashSet<string> Relations(JsonElement document, string kind) =>
        [.. document.GetProperty(kind).EnumerateObject().Select(r => string.Join(" ", r.Value.EnumerateObject().Select(m => $"{m.Name}={m.Value.GetString()}")))];

    [Fact]
    public void The_lineage_becomes_entities_activities_agents_and_their_relations()
    {
        using var document = JsonDocument.Parse(Build(Lineage));
        var root = document.RootElement;
        var v1 = $"ledger:dataset-version/{Dataset}/1";
        var v2 = $"ledger:dataset-version/{Dataset}/2";
        var derivation = $"ledger:derivation/{Dataset}/2";
        var run = $"ledger:training-run/{Run}";
        var modelVersion = $"ledger:model-version/{Model}/1.0%20beta";
        const string institution = "ledger:institution/Mercy%20Regional%20Health";
        const string steward = "ledger:steward/Dana%20Whitfield";
        const string owner = "ledger:institution/Northstar%20AI%20Labs%2C%20Inc.";
        const string irb = "ledger:irb/Mercy%20IRB";

        Assert.Equal("urn:provenance:", root.GetProperty("prefix").GetProperty("ledger").GetString());
        var entities = root.GetProperty("entity");
        Assert.Equal(new[] { modelVersion, v1, v2 }.Order(StringComparer.Ordinal), entities.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.Equal("sha256:bb", entities.GetProperty(v2).GetProperty("ledger:fingerprint").GetString());
        Assert.Equal(1249786, entities.GetProperty(v2).GetProperty("ledger:recordCount").GetInt64());
        Assert.Equal("Mercy structured EHR", entities.GetProperty(v1).GetProperty("ledger:name").GetString());
        Assert.Equal("ledger:DatasetVersion", entities.GetProperty(v1).GetProperty("prov:type").GetProperty("$").GetString());
        Assert.Equal("prov:QUALIFIED_NAME", entities.GetProperty(v1).GetProperty("prov:type").GetProperty("type").GetString());
        Assert.Equal("1.0 beta", entities.GetProperty(modelVersion).GetProperty("ledger:version").GetString());
        var activities = root.GetProperty("activity");
        Assert.Equal("filter", activities.GetProperty(derivation).GetProperty("ledger:transformation").GetString());
        Assert.Equal("git+https://git.example/deid@4f2c9e1", activities.GetProperty(derivation).GetProperty("ledger:codeReference").GetString());
        Assert.Equal("2026-01-12T09:00:00+00:00", activities.GetProperty(run).GetProperty("prov:startTime").GetString());
        Assert.Equal("2026-01-14T21:45:00+00:00", activities.GetProperty(run).GetProperty("prov:endTime").GetString());
        var agents = root.GetProperty("agent");
        Assert.Equal(new[] { irb, institution, owner, steward }.Order(StringComparer.Ordinal), agents.EnumerateObject().Select(a => a.Name).Order(StringComparer.Ordinal));
        Assert.Equal("prov:Person", agents.GetProperty(steward).GetProperty("prov:type").GetProperty("$").GetString());

        Assert.Equal([$"prov:activity={derivation} prov:entity={v1}", $"prov:activity={run} prov:entity={v2}"], Relations(root, "used"));
        Assert.Equal([$"prov:activity={derivation} prov:entity={v2}", $"prov:activity={run} prov:entity={modelVersion}"], Relations(root, "wasGeneratedBy"));
        Assert.Equal([$"prov:activity={derivation} prov:generatedEntity={v2} prov:usedEntity={v1}"], Relations(root, "wasDerivedFrom"));
        Assert.Equal(
            [$"prov:agent={institution} prov:entity={v1}", $"prov:agent={steward} prov:entity={v1}", $"prov:agent={institution} prov:entity={v2}", $"prov:agent={steward} prov:entity={v2}"],
            Relations(root, "wasAttributedTo"));
        Assert.Equal(
            [$"prov:activity={derivation} prov:agent={steward}", $"prov:activity={run} prov:agent={irb}", $"prov:activity={run} prov:agent={owner}"],
            Relations(root, "wasAssociatedWith"));
    }

    [Fact]
    public void The_document_is_canonical_json_and_the_same_events_give_the_same_bytes()
    {
        var bytes = Build(Lineage);

        Assert.Equal(JsonCanonicalizer.Canonicalize(bytes), bytes);
        Assert.Equal(bytes, Build(Lineage));
    }

    [Fact]
    public void Relations_are_numbered_so_that_their_names_sort_in_their_order()
    {
        using var builder = new ProvDocumentBuilder();
        builder.Add(Encoding.UTF8.GetBytes(Lineage[0]));
        for (var version = 1; version <= 12; version++)
        {
            builder.Add(Encoding.UTF8.GetBytes(Envelope(version + 1, Dataset, version + 1, "dataset.version-contributed",
                $$"""{"datasetId": "{{Dataset}}", "version": {{version}}, "fingerprint": "sha256:{{version}}", "recordCount": 1}""")));
        }

        using var document = JsonDocument.Parse(builder.ToCanonicalJson());
        var names = document.RootElement.GetProperty("wasAttributedTo").EnumerateObject().Select(r => r.Name).ToList();

        Assert.Equal(24, names.Count);
        Assert.Equal("_:attr01", names[0]);
        Assert.Equal("_:attr24", names[^1]);
    }

    [Fact]
    public void Events_it_does_not_describe_are_ignored_and_an_empty_bundle_has_only_the_prefixes()
    {
        Assert.Equal("""{"prefix":{"ledger":"urn:provenance:","prov":"http://www.w3.org/ns/prov#"}}""", Encoding.UTF8.GetString(Build([Lineage[4]])));
        Assert.False(ProvDocumentBuilder.Describes("license.granted"));
        Assert.True(ProvDocumentBuilder.Describes("model.training-run-recorded"));
    }

    [Fact]
    public void A_run_on_a_dataset_no_registered_protocol_covers_has_no_irb()
    {
        using var document = JsonDocument.Parse(Build(Lineage.Where((_, i) => i != 5)));

        Assert.DoesNotContain(Relations(document.RootElement, "wasAssociatedWith"), r => r.Contains("ledger:irb/", StringComparison.Ordinal));
    }

    [Fact]
    public void Dataset_versions_sort_as_their_identifiers_spell_them()
    {
        var versions = new long[] { 9, 10, 0, 1_234_567_890_120, 100, 19, 2, -3 };
        var envelopes = new List<string> { Lineage[0] };
        envelopes.AddRange(versions.Select((version, i) => Envelope(i + 2, Dataset, i + 2, "dataset.version-contributed",
            $$"""{"datasetId": "{{Dataset}}", "version": {{version}}, "fingerprint": "sha256:{{version}}", "recordCount": 1}""")));

        var bytes = Build(envelopes);
        using var document = JsonDocument.Parse(bytes);

        var expected = versions.Select(v => $"ledger:dataset-version/{Dataset}/{v}").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, document.RootElement.GetProperty("entity").EnumerateObject().Select(e => e.Name));
        Assert.Equal(JsonCanonicalizer.Canonicalize(bytes), bytes);
        Assert.Equal("sha256:10", document.RootElement.GetProperty("entity").GetProperty($"ledger:dataset-version/{Dataset}/10").GetProperty("ledger:fingerprint").GetString());
    }

    [Theory]
    [InlineData(1, 40, "cbaaf4c578dddcfc4bc18b65a5c1ea180da6aa45e1327120488d230705f0ee2e")]
    [InlineData(2, 400, "e69a37e90be63346afa939e41acc425b34494403602018db4fe21c64ef5b0c0d")]
    [InlineData(4, 7, "1a8748d28a84437ea79b9b2b13e37355f8a7e9841cf0f21d0ba311f6b5253eb2")]
    public void A_whole_ledger_document_is_byte_for_byte_what_the_builder_before_the_spilling_one_wrote(int seed, int datasets, string sha256)
    {
        // #22: the spilling builder replaced one that kept every fact in dictionaries. These are the
        // SHA-256 digests of what that builder wrote for these seeded ledgers, kept when it was
        // replaced, so a change of the document's bytes is a decision, never an accident.
        using var builder = new ProvDocumentBuilder(Path.GetTempPath(), runBytes: 512);
        foreach (var envelope in RandomLineage.Envelopes(seed, datasets))
        {
            builder.Add(envelope);
        }

        Assert.Equal(sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(builder.ToCanonicalJson())));
    }

    [Fact]
    public void A_whole_ledger_s_facts_spilled_to_disk_in_small_runs_give_the_document_built_in_memory()
    {
        var envelopes = RandomLineage.Envelopes(seed: 7, datasets: 300);
        var spillDirectory = Directory.CreateTempSubdirectory("provenance-prov-test-");
        try
        {
            using var inMemory = new ProvDocumentBuilder(spillDirectory.FullName, ProvDocumentBuilder.DefaultRunBytes);
            var small = new ProvDocumentBuilder(spillDirectory.FullName, runBytes: 256);
            foreach (var envelope in envelopes)
            {
                inMemory.Add(envelope);
                small.Add(envelope);
            }

            var expected = inMemory.ToCanonicalJson();
            var spilled = small.ToCanonicalJson();

            Assert.Equal(0, inMemory.SpilledRuns);
            Assert.True(small.SpilledRuns > 100, $"{small.SpilledRuns} runs were spilled");
            Assert.NotEmpty(spillDirectory.EnumerateFiles());
            Assert.True(expected.AsSpan().SequenceEqual(spilled));
            Assert.Equal(JsonCanonicalizer.Canonicalize(spilled), spilled);

            // The document can be written again from the same runs, and disposing deletes them.
            Assert.True(expected.AsSpan().SequenceEqual(WriteAgain(small)));
            small.Dispose();
            Assert.Empty(spillDirectory.EnumerateFiles());
        }
        finally
        {
            spillDirectory.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_whole_ledger_s_document_describes_what_its_events_say()
    {
        // Read back against the envelopes themselves, the cases a ledger meets in bulk: fingerprints
        // of every form, datasets never registered or registered after their versions, parents and
        // inputs never contributed.
        var envelopes = RandomLineage.Envelopes(seed: 11, datasets: 200)
            .Select(e => JsonDocument.Parse(e).RootElement.Clone()).ToList();
        var builder = new ProvDocumentBuilder(Path.GetTempPath(), runBytes: 512);
        using (builder)
        {
            envelopes.ForEach(e => builder.Add(Encoding.UTF8.GetBytes(e.GetRawText())));
            using var document = JsonDocument.Parse(builder.ToCanonicalJson());
            var entities = document.RootElement.GetProperty("entity");

            static string Version(JsonElement data) => $"ledger:dataset-version/{data.GetProperty("datasetId").GetString()}/{data.GetProperty("version").GetInt64()}";
            var described = new HashSet<string>(StringComparer.Ordinal);
            var fingerprints = new Dictionary<string, string?>(StringComparer.Ordinal);
            var names = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (type, data) in envelopes.Select(e => (e.GetProperty("type").GetString(), e.GetProperty("data"))))
            {
                switch (type)
                {
                    case "dataset.version-contributed":
                        described.Add(Version(data));
                        fingerprints[Version(data)] = data.TryGetProperty("fingerprint", out var fingerprint) ? fingerprint.GetString() : null;
                        break;
                    case "dataset.version-derived":
                        described.Add(Version(data));
                        described.UnionWith(data.GetProperty("parents").EnumerateArray().Select(Version));
                        break;
                    case "model.training-run-recorded":
                        described.UnionWith(data.GetProperty("inputs").EnumerateArray().Select(Version));
                        break;
                    case "dataset.registered":
                        names[data.GetProperty("datasetId").GetString()!] = data.GetProperty("name").GetString()!;
                        break;
                }
            }

            Assert.Equal(described.Order(StringComparer.Ordinal), entities.EnumerateObject().Select(e => e.Name).Where(n => n.StartsWith("ledger:dataset-version/", StringComparison.Ordinal)));
            Assert.Contains(fingerprints.Values, f => f is not null && !f.StartsWith("sha256:", StringComparison.Ordinal));
            foreach (var entity in entities.EnumerateObject().Where(e => e.Name.StartsWith("ledger:dataset-version/", StringComparison.Ordinal)))
            {
                var fingerprint = entity.Value.TryGetProperty("ledger:fingerprint", out var f) ? f.GetString() : null;
                Assert.Equal(fingerprints.GetValueOrDefault(entity.Name), fingerprint);
                var dataset = entity.Name.Split('/')[1];
                Assert.Equal(names.GetValueOrDefault(dataset), entity.Value.TryGetProperty("ledger:name", out var name) ? name.GetString() : null);
            }
        }
    }

    [Fact]
    public void No_envelope_can_be_added_once_the_document_is_written()
    {
        using var builder = new ProvDocumentBuilder();
        builder.Add(Encoding.UTF8.GetBytes(Lineage[0]));
        builder.ToCanonicalJson();

        Assert.Throws<InvalidOperationException>(() => builder.Add(Encoding.UTF8.GetBytes(Lineage[1])));
    }

    private static byte[] WriteAgain(ProvDocumentBuilder builder)
    {
        using var buffer = new MemoryStream();
        builder.WriteCanonicalAsync(buffer).GetAwaiter().GetResult();
        return buffer.ToArray();
    }
}
