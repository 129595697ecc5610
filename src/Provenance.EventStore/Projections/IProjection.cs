namespace Provenance.EventStore.Projections;

/// <summary>
/// A read model kept from the log. It owns its tables: a rebuild empties them and replays the
/// whole log through <see cref="ApplyAsync"/>. Applying must be deterministic in the events alone
/// (no clock, no other reads of mutable state), so a rebuilt model equals the incremental one.
/// </summary>
public interface IProjection
{
    /// <summary>A stable name, used for its checkpoint.</summary>
    string Name { get; }

    /// <summary>The tables (in the store's schema) this projection alone writes; a rebuild empties them.</summary>
    IReadOnlyList<string> Tables { get; }

    /// <summary>
    /// The event types (CLR records) this projection applies; null for every type. It is offered
    /// only these: a runner that catches up or rebuilds reads only these from the log (through the
    /// events' type index) and moves the checkpoint over the rest, and an append passes on only these.
    /// </summary>
    IReadOnlyCollection<Type>? EventTypes => null;

    /// <summary>
    /// The most events it takes per batch; null for the follower's default. A projection whose work
    /// leaves the database (a push to another system) takes 1, so a batch that fails re-sends nothing
    /// another batch already delivered.
    /// </summary>
    int? MaxBatch => null;

    /// <summary>Applies events (at least one, of its <see cref="EventTypes"/>), in position order, inside the caller's transaction.</summary>
    Task ApplyAsync(ProjectionContext context, IReadOnlyList<RecordedEvent> events, CancellationToken cancellationToken);
}
