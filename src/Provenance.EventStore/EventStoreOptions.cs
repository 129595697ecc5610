namespace Provenance.EventStore;

/// <summary>Settings of the event store.</summary>
public sealed class EventStoreOptions
{
    /// <summary>The PostgreSQL schema holding the event store's tables. Default <c>provenance</c>.</summary>
    public string Schema { get; set; } = "provenance";

    /// <summary>Rows per page when the whole log is streamed.</summary>
    public int ReadPageSize { get; set; } = 1_000;
}
