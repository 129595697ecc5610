namespace Provenance.EventStore.Background;

/// <summary>
/// Background work that follows the log in batches: an asynchronous projection, the Merkle tree.
/// <see cref="LogDaemon"/> runs every follower the same way: woken by appends (this instance's, and
/// other instances' through PostgreSQL notifications), it lets them gather for <see cref="Gather"/>
/// and runs a batch, again at once while batches come back full.
/// </summary>
public interface ILogFollower
{
    /// <summary>The follower's name, unique among a daemon's followers (a projection's name).</summary>
    string Name { get; }

    /// <summary>How long appends gather before a batch, unless a reader is waiting.</summary>
    TimeSpan Gather { get; }

    /// <summary>
    /// When the follower wants to run even if nothing is appended (periodic work, such as signing a
    /// checkpoint every interval), or null. The daemon wakes it then.
    /// </summary>
    DateTimeOffset? NextRunAt => null;

    /// <summary>Runs one batch. True when more is waiting (the batch was full): the daemon runs the next at once.</summary>
    Task<bool> RunOnceAsync(CancellationToken cancellationToken);

    /// <summary>The log position the follower has reached, as stored (a batch by any instance moves it).</summary>
    Task<long> GetPositionAsync(CancellationToken cancellationToken);
}
