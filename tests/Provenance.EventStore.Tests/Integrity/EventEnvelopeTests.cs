using Provenance.EventStore.Integrity;
using Provenance.Integrity.Canonicalization;
using Provenance.Integrity.Merkle;

namespace Provenance.EventStore.Tests.Integrity;

/// <summary>The envelope is a public format: every leaf hash and signed checkpoint depends on its exact bytes.</summary>
public sealed class EventEnvelopeTests
{
    private static readonly RawEvent Sample = new(
        Position: 42,
        EventId: Guid.Parse("01a20058-f4d7-74f6-917e-6c7c830e0f16"),
        StreamId: Guid.Parse("01A20058-0000-7000-8000-00000000ABCD"),
        StreamVersion: 3,
        Type: "dataset.registered",
        SchemaVersion: 1,
        DataUtf8: """{"name": "Chest CT \u00e9t\u00e9", "recordCount": 1250000.0, "period": {"start": "2020-01-01", "end": null}}"""u8.ToArray(),
        MetadataUtf8: """{"actorId": "anonymous", "actorRole": "steward", "correlationId": "corr-1", "causationId": null}"""u8.ToArray(),
        RecordedAt: new DateTimeOffset(2026, 11, 21, 23, 2, 39, TimeSpan.FromHours(-5)).AddTicks(6_617_700));

    [Fact]
    public void A_raw_event_keeps_its_json_as_utf8_and_compares_it_byte_for_byte()
    {
        var copy = Sample with { DataUtf8 = Sample.DataUtf8.ToArray(), MetadataUtf8 = Sample.MetadataUtf8.ToArray() };
        var renamed = Sample with { DataJson = Sample.DataJson.Replace("Chest", "Head", StringComparison.Ordinal) };

        Assert.Equal(Sample, copy);
        Assert.Equal(Sample.GetHashCode(), copy.GetHashCode());
        Assert.NotEqual(Sample, renamed);
        Assert.Equal(System.Text.Encoding.UTF8.GetBytes(renamed.DataJson), renamed.DataUtf8.ToArray());
        Assert.Contains("Head CT", renamed.DataJson, StringComparison.Ordinal);
    }

    [Fact]
    public void The_envelope_is_the_canonical_json_of_the_documented_fields()
    {
        var envelope = TreeTesting.Utf8(EventEnvelope.ToCanonicalBytes(Sample));

        Assert.Equal(
            """
            {"data":{"name":"Chest CT été","period":{"end":null,"start":"2020-01-01"},"recordCount":1250000},"id":"01a20058-f4d7-74f6-917e-6c7c830e0f16","metadata":{"actorId":"anonymous","actorRole":"steward","causationId":null,"correlationId":"corr-1"},"position":42,"recordedAt":"2026-11-22T04:02:39.661770Z","schemaVersion":1,"stream":"01a20058-0000-7000-8000-00000000abcd","type":"dataset.registered","version":3}
            """,
            envelope);
    }

    [Fact]
    public void Recorded_at_is_utc_with_exactly_six_fraction_digits()
    {
        Assert.Equal("2026-01-02T03:04:05.000000Z", EventEnvelope.FormatRecordedAt(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero)));
        Assert.Equal("2026-01-02T01:04:05.000001Z", EventEnvelope.FormatRecordedAt(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)).AddTicks(10)));
    }

    [Fact]
    public void The_envelope_matches_one_built_independently_and_its_leaf_hash_is_the_rfc_9162_leaf_hash()
    {
        var envelope = EventEnvelope.ToCanonicalBytes(Sample);

        Assert.Equal(TreeTesting.IndependentEnvelope(Sample), envelope);
        Assert.Equal(MerkleTree.LeafHash(envelope), EventEnvelope.LeafHash(Sample));
        Assert.Equal(41UL, EventEnvelope.LeafIndex(Sample.Position));
    }

    [Fact]
    public void Stored_json_without_a_canonical_form_is_refused_and_nothing_is_written()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();

        Assert.Throws<JsonCanonicalizationException>(() => EventEnvelope.WriteCanonical(Sample with { DataJson = """{"n": 1e400}""" }, buffer));
        Assert.Throws<JsonCanonicalizationException>(() => EventEnvelope.WriteCanonical(Sample with { MetadataJson = "{" }, buffer));
        Assert.Equal(0, buffer.WrittenCount);
    }
}
