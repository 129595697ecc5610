using System.Globalization;
using System.Text;
using Provenance.Integrity.Canonicalization;

namespace Provenance.Integrity.Tests.Bundles;

/// <summary>
/// A seeded, made-up ledger of every event the PROV document describes, with the awkward cases a
/// whole-ledger export meets: versions past 9 (whose identifiers sort "10" before "9"), datasets
/// registered after their versions or never, fingerprints of other forms, derivations from other
/// datasets' versions and from versions never contributed, a parent named twice, runs on datasets
/// no protocol covers, amendments that add coverage, and events the document ignores.
/// </summary>
internal static class RandomLineage
{
    private static readonly string[] Stewards = ["Dana Whitfield", "Luis Ortega", "Priya Raman", "Tomás Ñúñez", "Mei Chen"];
    private static readonly string[] Institutions = ["Mercy Regional Health", "Lakeshore Medical Center", "Riverbend Children's Hospital", "Cedar & Pine, Inc."];
    private static readonly string[] Irbs = ["Mercy IRB", "Lakeshore IRB", "Central IRB"];
    private static readonly string[] Transformations = ["filter", "labeling", "tokenization", "augmentation", "merge"];

    public static List<byte[]> Envelopes(int seed, int datasets)
    {
        var random = new Random(seed);
        var events = new List<(string Type, Guid Stream, string Data)>();
        var ids = Enumerable.Range(0, datasets).Select(_ => NewId(random)).ToArray();
        var versions = new List<(Guid Dataset, long Version)>();
        var late = new List<(string, Guid, string)>();
        foreach (var (id, n) in ids.Select((id, n) => (id, n)))
        {
            var registration = (
                "dataset.registered",
                id,
                $$"""
                {"datasetId": "{{id}}", "name": "Cohort {{n}} \u00e9t\u00e9 \"notes\" {{random.Next(1000)}}", "steward": "{{Stewards[random.Next(Stewards.Length)]}}"{{(random.Next(5) == 0 ? "" : $", \"sourceInstitution\": \"{Institutions[random.Next(Institutions.Length)]}\"")}}}
                """);
            switch (random.Next(10))
            {
                case 0: break; // never registered: its versions have no name and no attribution
                case 1: late.Add(registration); break;
                default: events.Add(registration); break;
            }

            var count = random.Next(1, 14);
            long version = random.Next(8) == 0 ? 1_234_567_890_120 : random.Next(3) == 0 ? 0 : 1;
            for (var i = 0; i < count; i++, version++)
            {
                if (i == 0 || random.Next(3) > 0)
                {
                    events.Add(("dataset.version-contributed", id, $$"""{"datasetId": "{{id}}", "version": {{version}}{{Fingerprint(random)}}{{(random.Next(6) == 0 ? "" : $", \"recordCount\": {random.Next(1, 2_000_000)}")}}}"""));
                }
                else
                {
                    var parents = new List<string> { Reference(id, version - 1) };
                    for (var extra = random.Next(3); extra > 0; extra--)
                    {
                        parents.Add(random.Next(4) switch
                        {
                            0 => parents[0],
                            1 => Reference(NewId(random), random.Next(1, 20)),
                            _ when versions.Count > 0 => Reference(versions[random.Next(versions.Count)].Dataset, versions[random.Next(versions.Count)].Version),
                            _ => Reference(id, version - 1),
                        });
                    }

                    var code = random.Next(4) == 0 ? "" : $", \"codeReference\": \"git+https://git.example/pipeline@{random.Next(20):x4}\"";
                    events.Add(("dataset.version-derived", id, $$"""{"datasetId": "{{id}}", "version": {{version}}, "parents": [{{string.Join(", ", parents)}}], "transformation": "{{Transformations[random.Next(Transformations.Length)]}}"{{code}}}"""));
                }

                versions.Add((id, version));
                if (random.Next(7) == 0)
                {
                    events.Add(("license.granted", id, $$"""{"datasetId": "{{id}}", "licenseId": "{{NewId(random)}}"}"""));
                }
            }
        }

        for (var p = 0; p < Math.Max(1, datasets / 8); p++)
        {
            var protocol = NewId(random);
            var covered = Enumerable.Range(0, random.Next(1, 6)).Select(_ => $"\"{ids[random.Next(ids.Length)]}\"");
            events.Add(("irb.protocol-approved", protocol, $$"""{"protocolId": "{{protocol}}", "irbName": "{{Irbs[random.Next(Irbs.Length)]}}", "terms": {"coveredDatasetIds": [{{string.Join(", ", covered)}}]} }"""));
            if (random.Next(3) == 0)
            {
                var added = Enumerable.Range(0, random.Next(1, 4)).Select(_ => $"\"{ids[random.Next(ids.Length)]}\"");
                events.Add(("irb.protocol-amended", protocol, $$"""{"protocolId": "{{protocol}}", "terms": {"coveredDatasetIds": [{{string.Join(", ", added)}}]} }"""));
            }
        }

        for (var m = 0; m < 3; m++)
        {
            var model = NewId(random);
            events.Add(("model.registered", model, $$"""{"modelId": "{{model}}", "name": "Model {{m}}", "owner": "{{Institutions[random.Next(Institutions.Length)]}}"}"""));
            for (var r = 0; r < 3; r++)
            {
                var inputs = Enumerable.Range(0, random.Next(1, 30))
                    .Select(_ => random.Next(10) == 0 ? Reference(NewId(random), 1) : Reference(versions[random.Next(versions.Count)].Dataset, versions[random.Next(versions.Count)].Version));
                events.Add(("model.training-run-recorded", model, $$"""{"modelId": "{{model}}", "runId": "{{NewId(random)}}", "modelVersion": "{{m}}.{{r}} beta", "inputs": [{{string.Join(", ", inputs)}}], "startedAt": "2026-01-0{{r + 1}}T09:00:00+00:00", "finishedAt": "2026-01-0{{r + 2}}T09:00:00+00:00"}"""));
            }
        }

        events.AddRange(late);
        return [.. events.Select((e, i) => Envelope(i + 1, e.Stream, e.Type, e.Data))];
    }

    private static string Fingerprint(Random random)
    {
        var hex = Convert.ToHexStringLower(BitConverter.GetBytes(random.NextInt64())) + new string('0', 48);
        return random.Next(12) switch
        {
            0 => "",
            1 => $", \"fingerprint\": \"sha256:{hex.ToUpperInvariant()}\"",
            2 => $", \"fingerprint\": \"md5:{hex[..32]}\"",
            _ => $", \"fingerprint\": \"sha256:{hex}\"",
        };
    }

    private static string Reference(Guid dataset, long version) => $$"""{"datasetId": "{{dataset}}", "version": {{version.ToString(CultureInfo.InvariantCulture)}}}""";

    private static Guid NewId(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes);
    }

    private static byte[] Envelope(long position, Guid stream, string type, string data) =>
        JsonCanonicalizer.Canonicalize(Encoding.UTF8.GetBytes($$"""
            {"position": {{position}}, "id": "{{Guid.Empty}}", "stream": "{{stream}}", "version": 1, "type": "{{type}}", "schemaVersion": 1,
             "data": {{data}}, "metadata": {"actorId": "anonymous"}, "recordedAt": "2026-01-15T14:30:00.000000Z"}
            """));
}
