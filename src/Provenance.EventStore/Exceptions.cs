namespace Provenance.EventStore;

/// <summary>An append found the stream at another version than the writer expected. Nothing was written.</summary>
public sealed class StreamVersionConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StreamVersionConflictException(Guid streamId, ExpectedVersion expected, long currentVersion)
        : base($"Stream {streamId} is at version {currentVersion}; the append expected {expected}.")
    {
        StreamId = streamId;
        Expected = expected;
        CurrentVersion = currentVersion;
    }

    /// <summary>The stream written to.</summary>
    public Guid StreamId { get; }

    /// <summary>What the writer expected.</summary>
    public ExpectedVersion Expected { get; }

    /// <summary>The stream's version when the append was rejected (0: it does not exist).</summary>
    public long CurrentVersion { get; }
}

/// <summary>An append targeted an existing stream of another type. Nothing was written.</summary>
public sealed class StreamTypeMismatchException(Guid streamId, string expectedType)
    : Exception($"Stream {streamId} exists and does not hold '{expectedType}' events.")
{
    /// <summary>The stream written to.</summary>
    public Guid StreamId { get; } = streamId;
}

/// <summary>An idempotency key was used again for a different request. Nothing was written.</summary>
public sealed class IdempotencyKeyReusedException(string key)
    : Exception("The idempotency key was already used for a different request.")
{
    /// <summary>The reused key.</summary>
    public string Key { get; } = key;
}

/// <summary>A stored event has a type name the registry does not know.</summary>
public sealed class UnknownEventTypeException(string eventType)
    : Exception($"No event type is registered under the name '{eventType}'.")
{
    /// <summary>The unknown wire name.</summary>
    public string EventType { get; } = eventType;
}
