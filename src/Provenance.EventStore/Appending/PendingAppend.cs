namespace Provenance.EventStore.Appending;

/// <summary>
/// One append waiting for the group-commit writer: its events already serialized, and the task its
/// caller awaits. The writer takes it into a batch or, if the caller gave up first, skips it.
/// </summary>
internal sealed class PendingAppend
{
    private const int Waiting = 0;
    private const int Taken = 1;
    private const int Abandoned = 2;

    private readonly TaskCompletionSource<AppendResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _state;

    public PendingAppend(
        Guid streamId, string streamType, ExpectedVersion expected, IReadOnlyList<object> events, EventMetadata metadata,
        IdempotencyToken? idempotency, string? resource,
        Guid[] ids, string[] types, int[] schemaVersions, string[] data, string metadataJson)
    {
        StreamId = streamId;
        StreamType = streamType;
        Expected = expected;
        Events = events;
        Metadata = metadata;
        Idempotency = idempotency;
        Resource = resource;
        Ids = ids;
        Types = types;
        SchemaVersions = schemaVersions;
        Data = data;
        MetadataJson = metadataJson;
    }

    public Guid StreamId { get; }

    public string StreamType { get; }

    public ExpectedVersion Expected { get; }

    public IReadOnlyList<object> Events { get; }

    /// <summary>The metadata as stored (with the idempotency key).</summary>
    public EventMetadata Metadata { get; }

    public IdempotencyToken? Idempotency { get; }

    public string? Resource { get; }

    public Guid[] Ids { get; }

    public string[] Types { get; }

    public int[] SchemaVersions { get; }

    public string[] Data { get; }

    public string MetadataJson { get; }

    /// <summary>The trace context of the caller's append, linked from the transaction that writes it.</summary>
    public System.Diagnostics.ActivityContext TraceContext { get; init; }

    public Task<AppendResult> Task => _completion.Task;

    /// <summary>Claims the append for a batch; false when its caller abandoned it first.</summary>
    public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Waiting) == Waiting;

    /// <summary>Withdraws the append if no batch has taken it yet (its caller was canceled).</summary>
    public void Abandon(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, Abandoned, Waiting) == Waiting)
        {
            _completion.TrySetCanceled(cancellationToken);
        }
    }

    public void Complete(AppendResult result) => _completion.TrySetResult(result);

    public void Fail(Exception exception) => _completion.TrySetException(exception);
}
