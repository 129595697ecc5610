namespace Provenance.Integrity.Bundles;

/// <summary>
/// Holds a bundle's events to its completeness claims as they go by, in log order: each claimed
/// stream has every version from its first to its last claimed version, once and in order, and
/// only events its stream type holds; the claimed positions are all there and no other; and in a
/// stream-scoped bundle every event belongs to a claimed stream. The writer uses it to refuse a
/// manifest its events contradict (there the last version and the stream type come from the
/// events), the verifier to report where a bundle breaks its manifest.
/// </summary>
internal sealed class CompletenessTracker
{
    private readonly Dictionary<Guid, StreamState> _streams = [];
    private readonly PositionRange? _positions;
    private readonly bool _streamScoped;
    private long _nextPosition;

    private CompletenessTracker(PositionRange? positions, bool streamScoped)
    {
        _positions = positions;
        _streamScoped = streamScoped;
        _nextPosition = positions?.First ?? 0;
    }

    /// <summary>For a verifier: the manifest's claims, each stream with its type and versions.</summary>
    public static CompletenessTracker ForManifest(IEnumerable<StreamClaim> streams, PositionRange? positions)
    {
        var tracker = new CompletenessTracker(positions, streamScoped: positions is null);
        foreach (var claim in streams)
        {
            tracker._streams[claim.Stream] = new StreamState(claim.FirstVersion, claim.LastVersion, StreamKind.OfStreamType(claim.StreamType));
        }

        return tracker;
    }

    /// <summary>For a writer: each stream from version 1 to wherever the events end, its type told by its first event.</summary>
    public static CompletenessTracker ForWriter(BundleCompleteness completeness)
    {
        var tracker = new CompletenessTracker(completeness.Positions, streamScoped: completeness.Positions is null);
        foreach (var stream in completeness.Streams)
        {
            tracker._streams[stream] = new StreamState(1, null, null);
        }

        return tracker;
    }

    /// <summary>Takes the next event; returns what it contradicts, if anything.</summary>
    public string? Observe(in Envelope envelope)
    {
        // Called for every event: the list is made only for an event that contradicts a claim.
        List<string>? problems = null;
        if (_positions is { } range)
        {
            ObservePosition(envelope.Position, range, ref problems);
        }

        if (_streams.TryGetValue(envelope.Stream, out var stream))
        {
            ObserveVersion(envelope, stream, ref problems);
        }
        else if (_streamScoped)
        {
            Add(ref problems, $"stream {envelope.Stream} is not among the streams the manifest claims, and a bundle of a stream scope holds only those");
        }

        return problems is null ? null : string.Join("; ", problems);
    }

    /// <summary>What the claims miss once every event has gone by.</summary>
    public IEnumerable<string> Finish()
    {
        foreach (var (id, stream) in _streams.OrderBy(s => s.Key.ToString("D"), StringComparer.Ordinal))
        {
            if (stream.Last is { } last && stream.Next <= last)
            {
                yield return $"{Versions(stream.Next, last)} of stream {id} {IsOrAre(stream.Next, last)} missing (claimed complete from version {stream.First} to {last})";
            }
            else if (stream.Last is null && stream.Next == 1)
            {
                yield return $"stream {id} is claimed complete but has no event in the bundle";
            }
        }

        if (_positions is { } range && _nextPosition <= range.Last)
        {
            yield return $"{Positions(_nextPosition, range.Last)} {IsOrAre(_nextPosition, range.Last)} missing (claimed complete from {range.First} to {range.Last})";
        }
    }

    /// <summary>The claims as the events bear them out, for the manifest (a writer's: version 1 to the last seen).</summary>
    public IReadOnlyList<StreamClaim> Claims() =>
        [.. _streams.Where(s => s.Value.Kind is not null && s.Value.Next > s.Value.First)
            .Select(s => new StreamClaim(s.Key, s.Value.Kind!.StreamType, s.Value.First, s.Value.Last ?? s.Value.Next - 1))];

    /// <summary>The position of each claimed stream's last event in the bundle (as far as the events went).</summary>
    public IReadOnlyDictionary<Guid, long> LastPositions() => _streams.ToDictionary(s => s.Key, s => s.Value.LastPosition);

    private void ObservePosition(long position, PositionRange range, ref List<string>? problems)
    {
        if (position < range.First || position > range.Last)
        {
            Add(ref problems, $"position {position} is outside the positions the manifest claims ({range.First} to {range.Last}, and no other)");
            return;
        }

        if (position > _nextPosition)
        {
            Add(ref problems, $"{Positions(_nextPosition, position - 1)} {IsOrAre(_nextPosition, position - 1)} missing (claimed complete from {range.First} to {range.Last})");
        }
        else if (position < _nextPosition)
        {
            Add(ref problems, $"position {position} comes again or out of order (position {_nextPosition} was expected)");
        }

        _nextPosition = Math.Max(_nextPosition, position + 1);
    }

    private static void ObserveVersion(in Envelope envelope, StreamState stream, ref List<string>? problems)
    {
        var (version, type) = (envelope.Version, envelope.Type);
        if (stream.Kind is null && stream.Last is null && version == 1)
        {
            stream.Kind = StreamKind.OpenedBy(type);
        }

        if (version < stream.First || version > stream.Last)
        {
            Add(ref problems, $"version {version} of stream {envelope.Stream} is outside the versions the manifest claims ({stream.First} to {stream.Last})");
            return;
        }

        if (version > stream.Next)
        {
            Add(ref problems, $"{Versions(stream.Next, version - 1)} of stream {envelope.Stream} {IsOrAre(stream.Next, version - 1)} missing before this version {version} (claimed complete from version {stream.First})");
        }
        else if (version < stream.Next)
        {
            Add(ref problems, $"version {version} of stream {envelope.Stream} comes again or out of order (version {stream.Next} was expected)");
        }

        if (stream.Kind is not { } kind)
        {
            Add(ref problems, version == 1
                ? $"stream {envelope.Stream} opens with {type}, which opens no kind of stream (dataset.registered, irb.protocol-approved or model.registered)"
                : $"stream {envelope.Stream} is claimed complete from version 1, but its first event in the bundle is version {version}");
        }
        else if (version == 1 && type != kind.FirstEventType)
        {
            Add(ref problems, $"version 1 of {kind.StreamType} stream {envelope.Stream} is {type}, not {kind.FirstEventType}");
        }
        else if (!kind.Holds(type))
        {
            Add(ref problems, $"a {kind.StreamType} stream holds no {type} event (stream {envelope.Stream})");
        }

        if (version >= stream.Next)
        {
            stream.LastPosition = envelope.Position;
        }

        stream.Next = Math.Max(stream.Next, version + 1);
    }

    private static void Add(ref List<string>? problems, string problem) => (problems ??= []).Add(problem);

    private static string Versions(long from, long to) => from == to ? $"version {from}" : $"versions {from} to {to}";

    private static string Positions(long from, long to) => from == to ? $"position {from}" : $"positions {from} to {to}";

    private static string IsOrAre(long from, long to) => from == to ? "is" : "are";

    private sealed class StreamState(long first, long? last, StreamKind? kind)
    {
        public long First { get; } = first;

        public long? Last { get; } = last;

        public StreamKind? Kind { get; set; } = kind;

        public long Next { get; set; } = first;

        /// <summary>The position of the stream's latest version seen so far.</summary>
        public long LastPosition { get; set; }
    }
}
