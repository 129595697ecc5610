namespace Provenance.Integrity.Bundles;

/// <summary>
/// What an exporter claims is complete in a bundle, which the manifest states and a verifier
/// holds the events to: a set of streams, each from version 1 to its last version in the bundle
/// (a stream scope), or a run of positions (a time range). <see cref="AuditBundleWriter"/> refuses
/// to write a manifest whose claims its events contradict.
/// </summary>
public sealed class BundleCompleteness
{
    private BundleCompleteness(IReadOnlySet<Guid> streams, PositionRange? positions)
    {
        Streams = streams;
        Positions = positions;
    }

    /// <summary>The streams claimed complete from version 1 to their last version in the bundle; empty for a time range.</summary>
    public IReadOnlySet<Guid> Streams { get; }

    /// <summary>The positions claimed present, all of them and no other; <see langword="null"/> for a stream scope.</summary>
    public PositionRange? Positions { get; }

    /// <summary>
    /// Every listed stream is in the bundle from version 1 to its last version there, each
    /// version once, and the bundle holds no event of any other stream.
    /// </summary>
    /// <exception cref="ArgumentException">A stream is listed twice.</exception>
    public static BundleCompleteness ForStreams(IEnumerable<Guid> streams)
    {
        ArgumentNullException.ThrowIfNull(streams);
        var set = new HashSet<Guid>();
        foreach (var stream in streams)
        {
            if (!set.Add(stream))
            {
                throw new ArgumentException($"Stream {stream} is listed twice.", nameof(streams));
            }
        }

        return new(set, null);
    }

    /// <summary>
    /// Every event at positions <paramref name="first"/> to <paramref name="last"/> is in the
    /// bundle, once, and no other. <paramref name="last"/> = <paramref name="first"/> − 1 is the
    /// empty range (a time range in which nothing was recorded).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="first"/> is below 1 or <paramref name="last"/> below <paramref name="first"/> − 1.</exception>
    public static BundleCompleteness ForPositions(long first, long last) => new(new HashSet<Guid>(), new PositionRange(first, last));
}

/// <summary>The positions <see cref="First"/> to <see cref="Last"/> of the log; empty when <see cref="Last"/> = <see cref="First"/> − 1.</summary>
public sealed record PositionRange
{
    /// <summary>Creates the range.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="first"/> is below 1 or <paramref name="last"/> below <paramref name="first"/> − 1.</exception>
    public PositionRange(long first, long last)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(first, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(last, first - 1);
        First = first;
        Last = last;
    }

    /// <summary>The first position.</summary>
    public long First { get; }

    /// <summary>The last position.</summary>
    public long Last { get; }

    /// <summary>How many positions the range holds.</summary>
    public long Count => Last - First + 1;
}

/// <summary>A manifest's claim that a stream is in the bundle completely between two versions.</summary>
/// <param name="Stream">The stream's id.</param>
/// <param name="StreamType"><c>dataset</c>, <c>irb-protocol</c> or <c>model</c>.</param>
/// <param name="FirstVersion">The first version in the bundle.</param>
/// <param name="LastVersion">The last version in the bundle; every version between is there, once.</param>
public sealed record StreamClaim(Guid Stream, string StreamType, long FirstVersion, long LastVersion);
