using System.Text.Json;
using Provenance.Api.Infrastructure.Json;
using Provenance.Domain.Common;
using Provenance.Domain.Datasets;
using Provenance.Domain.Datasets.RegisteringDataset;

namespace Provenance.Api.Tests.EventShapes;

/// <summary>
/// The stored JSON of every event type is frozen in a snapshot: renaming a field or changing a
/// value's form fails here instead of silently corrupting the ledger. A deliberate change is a
/// new schema version with an upcaster, and a new snapshot.
/// </summary>
public sealed class EventShapeTests
{
    private static readonly Guid Id = Guid.Parse("01920000-0000-7000-8000-000000000001");
    private static readonly DateTimeOffset At = new(2026, 1, 15, 14, 30, 0, TimeSpan.Zero);
    private static readonly JsonSerializerOptions Indented = new(ProvenanceJson.Options) { WriteIndented = true };

    /// <summary>One example of every event type in the catalog.</summary>
    public static IReadOnlyDictionary<Type, object> Examples { get; } = new Dictionary<Type, object>
    {
        [typeof(DatasetRegistered)] = new DatasetRegistered(
            Id, "Mercy structured EHR", "Adult inpatients", "Dana Whitfield", "Mercy Regional Health", Modality.StructuredEhr,
            new DateOnly(2019, 1, 1), new DateOnly(2023, 12, 31), 1_250_000, 310_000, "steward-dana", At),
    };

    public static TheoryData<string> EventNames => new(EventCatalog.All.Select(e => e.Name));

    [Fact]
    public void Every_catalogued_event_has_an_example()
    {
        Assert.All(EventCatalog.All, e => Assert.True(Examples.ContainsKey(e.ClrType), $"{e.Name} has no example in EventShapeTests"));
    }

    [Theory]
    [MemberData(nameof(EventNames))]
    public void The_stored_shape_of_each_event_matches_its_snapshot(string name)
    {
        var (type, _, version) = EventCatalog.All.Single(e => e.Name == name);
        var json = JsonSerializer.Serialize(Examples[type], type, Indented);
        var snapshot = Path.Combine(SnapshotFolder(), $"{name}.v{version}.json");

        if (!File.Exists(snapshot))
        {
            File.WriteAllText(snapshot + ".received", json);
            Assert.Fail($"No snapshot for {name} v{version}: review {snapshot}.received and rename it.");
        }

        Assert.Equal(File.ReadAllText(snapshot).ReplaceLineEndings("\n").TrimEnd(), json.ReplaceLineEndings("\n").TrimEnd());
    }

    private static string SnapshotFolder([System.Runtime.CompilerServices.CallerFilePath] string path = "") =>
        Path.Combine(Path.GetDirectoryName(path)!, "Snapshots");
}
