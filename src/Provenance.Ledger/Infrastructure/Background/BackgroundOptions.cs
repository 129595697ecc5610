using System.ComponentModel.DataAnnotations;

namespace Provenance.Ledger.Infrastructure.Background;

/// <summary><c>Provenance:Background</c>: the work that follows the log, and how reads wait for it (#15).</summary>
internal sealed class BackgroundOptions
{
    public const string Section = "Provenance:Background";

    /// <summary>
    /// Whether this instance runs the background work (the catalog projection, the Merkle tree and
    /// periodic checkpoints). Several instances may all run it (they take turns per batch); an
    /// instance that does not still serves every request, its lists waiting for another's.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How long a list read from an asynchronous read model waits for it to reach the log's head as of
    /// the request. A list answered before then says how far behind it is (<c>stale</c>).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:30")]
    public TimeSpan ReadWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often the work looks at the log without being woken: appends wake it through PostgreSQL
    /// notifications, so this only covers one missed while the listening connection was re-established.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan SafetyPoll { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a follower may stay behind the log's head without moving before readiness reports it degraded.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan StallAfter { get; set; } = TimeSpan.FromSeconds(30);
}
