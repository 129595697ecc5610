using System.Text.Json;
using Provenance.Integrity.StreamIndex;

namespace Provenance.Integrity.Tests.StreamIndex;

/// <summary>#16: what the stream index records of each event: last version and position, type, and referrers.</summary>
public sealed class StreamIndexBuilderTests
{
    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    private static JsonElement Coverage(params Guid[] datasets) =>
        JsonSerializer.SerializeToElement(new { terms = new { coveredDatasetIds = datasets.Select(d => d.ToString("D")) } });

    [Fact]
    public void Derivations_coverage_and_training_inputs_make_their_streams_referrers_of_the_datasets_they_name()
    {
        var (parent, child, protocol, model) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        var index = new StreamIndexBuilder();
        index.Apply(1, parent, 1, "dataset.registered", default);
        index.Apply(2, parent, 2, "dataset.version-contributed", default);
        index.Apply(3, child, 1, "dataset.registered", default);
        index.Apply(4, child, 2, "dataset.version-derived", Json($$"""{"parents":[{"datasetId":"{{parent}}","version":1}]}"""));
        // A derivation from the dataset's own earlier version refers to no other stream.
        index.Apply(5, child, 3, "dataset.version-derived", Json($$"""{"parents":[{"datasetId":"{{child}}","version":2}]}"""));
        index.Apply(6, protocol, 1, "irb.protocol-approved", Coverage(parent, child));
        index.Apply(7, model, 1, "model.registered", default);
        index.Apply(8, model, 2, "model.training-run-recorded", Json($$"""{"inputs":[{"datasetId":"{{child}}","version":3}]}"""));

        var parentEntry = index.Find(parent)!;
        var childEntry = index.Find(child)!;
        Assert.Equal(("dataset", 2L, 2L), (parentEntry.Type, parentEntry.LastVersion, parentEntry.LastPosition));
        Assert.Equal(
            new[] { new StreamReference(child, "dataset"), new StreamReference(protocol, "irb-protocol") }.OrderBy(r => r.Stream.ToString("D"), StringComparer.Ordinal),
            parentEntry.ReferencedBy);
        Assert.Equal(
            new[] { new StreamReference(protocol, "irb-protocol"), new StreamReference(model, "model") }.OrderBy(r => r.Stream.ToString("D"), StringComparer.Ordinal),
            childEntry.ReferencedBy);
        Assert.Equal(("model", 2L, 8L), (index.Find(model)!.Type, index.Find(model)!.LastVersion, index.Find(model)!.LastPosition));
        Assert.Empty(index.Find(protocol)!.ReferencedBy);
    }

    [Fact]
    public void A_stream_named_before_its_first_event_has_no_type_until_it_has_one()
    {
        var (protocol, later) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var index = new StreamIndexBuilder();
        index.Apply(1, protocol, 1, "irb.protocol-approved", Coverage(later));

        Assert.Equal((null, 0L, 0L), (index.Find(later)!.Type, index.Find(later)!.LastVersion, index.Find(later)!.LastPosition));
        index.Apply(2, later, 1, "dataset.registered", default);
        Assert.Equal("dataset", index.Find(later)!.Type);
        Assert.Single(index.Find(later)!.ReferencedBy);
    }

    [Fact]
    public void Events_out_of_order_are_refused()
    {
        var stream = Guid.CreateVersion7();
        var index = new StreamIndexBuilder();
        index.Apply(1, stream, 1, "model.registered", default);

        Assert.Throws<InvalidOperationException>(() => index.Apply(3, stream, 2, "model.version-released", default));
        Assert.Throws<InvalidOperationException>(() => index.Apply(2, stream, 3, "model.version-released", default));
    }

    [Theory]
    [InlineData("dataset.registered", "dataset")]
    [InlineData("license.granted", "dataset")]
    [InlineData("consent.withdrawn", "dataset")]
    [InlineData("deidentification.decided", "dataset")]
    [InlineData("irb.protocol-approved", "irb-protocol")]
    [InlineData("model.registered", "model")]
    [InlineData("access.api-key-issued", "api-key")]
    public void A_streams_type_comes_from_its_first_events_area(string eventType, string streamType) =>
        Assert.Equal(streamType, StreamIndexBuilder.StreamTypeOf(eventType));
}
