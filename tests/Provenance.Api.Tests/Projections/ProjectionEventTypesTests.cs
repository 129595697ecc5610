using Npgsql;
using Provenance.Api.Tests.EventShapes;
using Provenance.EventStore;
using Provenance.EventStore.Projections;

namespace Provenance.Api.Tests.Projections;

/// <summary>
/// A projection is offered only the event types it declares (#7: runners read only those from the
/// log). An event type it writes for but forgot to declare would silently never reach it; so every
/// example event of every undeclared type must make it write nothing.
/// </summary>
public sealed class ProjectionEventTypesTests
{
    public static TheoryData<string> Projections => new(ServiceProjections().Select(p => p.Name));

    [Theory]
    [MemberData(nameof(Projections))]
    public async Task A_projection_writes_nothing_for_an_event_type_it_does_not_declare(string name)
    {
        var projection = ServiceProjections().Single(p => p.Name == name);
        var declared = Assert.IsAssignableFrom<IReadOnlyCollection<Type>>(projection.EventTypes);
        var undeclared = EventShapeTests.Examples.Select(e => e.Value)
            .Concat(EventShapeTests.Variants.Select(v => v.Example))
            .Where(e => !declared.Contains(e.GetType()))
            .ToList();
        Assert.NotEmpty(undeclared);

        await using var connection = new NpgsqlConnection();
        foreach (var example in undeclared)
        {
            await using var context = new ProjectionContext(connection, null, "\"provenance\"");
            await projection.ApplyAsync(context, [Recorded(example)], CancellationToken.None);
            Assert.True(context.Writes.BatchCommands.Count == 0, $"{name} writes for {example.GetType().Name}, which it does not declare.");
        }
    }

    [Theory]
    [MemberData(nameof(Projections))]
    public async Task A_projection_writes_for_every_event_type_it_declares(string name)
    {
        var projection = ServiceProjections().Single(p => p.Name == name);
        await using var connection = new NpgsqlConnection();
        foreach (var type in projection.EventTypes!)
        {
            await using var context = new ProjectionContext(connection, null, "\"provenance\"");
            await projection.ApplyAsync(context, [Recorded(EventShapeTests.Examples[type])], CancellationToken.None);
            Assert.True(context.Writes.BatchCommands.Count > 0, $"{name} declares {type.Name} but writes nothing for it.");
        }
    }

    private static IProjection[] ServiceProjections() => [new Ledger.Lineage.LineageProjection(), new Ledger.Catalog.CatalogProjection()];

    private static RecordedEvent Recorded(object data) => new(
        42, Guid.NewGuid(), Guid.NewGuid(), 1, "example", 1, data, new EventMetadata("tester", "admin", "test"), DateTimeOffset.UnixEpoch);
}
