namespace Provenance.EventStore.Projections;

/// <summary>A page of the log read for a projection, and the position up to which it covers the log.</summary>
/// <param name="Events">The events of the projection's types, in position order.</param>
/// <param name="Through">Every event of those types at or below this position is in the page or before it.</param>
internal sealed record LogPage(IReadOnlyList<RecordedEvent> Events, long Through);
