namespace Provenance.EventStore;

/// <summary>Settings of the event store.</summary>
public sealed class EventStoreOptions
{
    /// <summary>The PostgreSQL schema holding the event store's tables. Default <c>provenance</c>.</summary>
    public string Schema { get; set; } = "provenance";

    /// <summary>Rows per page when the whole log is streamed.</summary>
    public int ReadPageSize { get; set; } = 1_000;

    /// <summary>
    /// Whether concurrent appends share transactions (group commit). Default true. When false, each
    /// append is its own transaction, written by its caller (the baseline group commit is measured against).
    /// </summary>
    public bool GroupCommit { get; set; } = true;

    /// <summary>At most this many events in one group-commit transaction (a larger single append still goes alone). Default 1,000.</summary>
    public int MaxBatchEvents { get; set; } = 1_000;
}
