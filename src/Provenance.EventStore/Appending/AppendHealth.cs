namespace Provenance.EventStore.Appending;

/// <summary>
/// Whether appends are being written, as a readiness check needs to know (#14): appends that keep
/// failing for a reason that is not the caller's (the database refusing every write, a row written
/// around the log's head, a lost connection) make the instance unready, so a load balancer stops
/// sending it writes. A refusal the caller earned (a version conflict, a reused idempotency key, a
/// canceled request) is not a failure here.
/// </summary>
/// <remarks>
/// Recovery needs no operator: one append written clears the failures, and so does a quiet interval
/// (<see cref="RecoveryInterval"/>) with no new failure, so an instance that was taken out of rotation
/// gets traffic again and proves itself (or is taken out again after <see cref="FailureThreshold"/>
/// more failures).
/// </remarks>
public sealed class AppendHealth(TimeProvider timeProvider)
{
    private readonly Lock _gate = new();
    private int _consecutiveFailures;
    private DateTimeOffset _lastFailureAt;
    private string? _lastFailure;

    /// <summary>Failures in a row, with none written between them, that make appends unhealthy. Default 3.</summary>
    public int FailureThreshold { get; init; } = 3;

    /// <summary>How long after the last failure appends count as failing. Default 30 seconds.</summary>
    public TimeSpan RecoveryInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Records an append batch that committed.</summary>
    public void Succeeded()
    {
        lock (_gate)
        {
            _consecutiveFailures = 0;
            _lastFailure = null;
        }
    }

    /// <summary>Records an append that failed for a reason that is not the caller's.</summary>
    public void Failed(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        lock (_gate)
        {
            _consecutiveFailures++;
            _lastFailureAt = timeProvider.GetUtcNow();
            // The kind and the server's error code only: a message may quote a value.
            _lastFailure = exception is Npgsql.PostgresException p ? $"{exception.GetType().Name} {p.SqlState}" : exception.GetType().Name;
        }
    }

    /// <summary>Where appends stand now.</summary>
    public AppendHealthStatus Status
    {
        get
        {
            lock (_gate)
            {
                var failing = _consecutiveFailures >= FailureThreshold && timeProvider.GetUtcNow() - _lastFailureAt < RecoveryInterval;
                return new AppendHealthStatus(failing, _consecutiveFailures, _consecutiveFailures > 0 ? _lastFailureAt : null, _lastFailure);
            }
        }
    }
}

/// <summary>Where appends stand: failing or not, the failures in a row, the last one's time and kind.</summary>
public sealed record AppendHealthStatus(bool Failing, int ConsecutiveFailures, DateTimeOffset? LastFailureAt, string? LastFailure);
