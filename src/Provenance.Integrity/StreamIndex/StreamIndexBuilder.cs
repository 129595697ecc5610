using System.Text.Json;

namespace Provenance.Integrity.StreamIndex;

/// <summary>
/// Builds the stream index of a log one event at a time, in log order from position 1: the index at
/// tree size N is a function of the first N events alone, so anyone holding them (the ledger, a
/// monitor replaying a whole-log bundle) computes the same one. Every event sets its stream's last
/// version and position (and, for the stream's first event, its type); an event that names other
/// streams adds its own stream to theirs as a referrer: a derivation (<c>dataset.version-derived</c>,
/// its parents), an IRB approval or amendment (the datasets its terms cover) and a training run
/// (<c>model.training-run-recorded</c>, its inputs). Not thread-safe.
/// </summary>
public sealed class StreamIndexBuilder
{
    private readonly Dictionary<Guid, State> _streams = [];

    /// <summary>The wire names of the events whose data names other streams; the others are applied without their data.</summary>
    public static IReadOnlyList<string> ReferencingEventTypes { get; } =
        [Bundles.LedgerEventTypes.DatasetVersionDerived, Bundles.LedgerEventTypes.IrbProtocolApproved, Bundles.LedgerEventTypes.IrbProtocolAmended,
         Bundles.LedgerEventTypes.TrainingRunRecorded];

    /// <summary>The tree size the index is at: the position of the last event applied.</summary>
    public long Position { get; private set; }

    /// <summary>How many streams the index holds (with an event, or referenced).</summary>
    public int Count => _streams.Count;

    /// <summary>Whether <see cref="Apply"/> needs the data of an event of this type.</summary>
    public static bool ReadsData(string eventType) => ReferencingEventTypes.Contains(eventType, StringComparer.Ordinal);

    /// <summary>
    /// The type of a stream opened by an event of this type, from its area (the part before the
    /// dot): <c>dataset</c>, <c>deidentification</c>, <c>license</c> and <c>consent</c> events belong
    /// to datasets, <c>irb</c> to IRB protocols, <c>model</c> to models, <c>access</c> to API keys;
    /// any other area names the type itself.
    /// </summary>
    public static string StreamTypeOf(string eventType)
    {
        ArgumentNullException.ThrowIfNull(eventType);
        var area = eventType.IndexOf('.', StringComparison.Ordinal) is var dot and > 0 ? eventType[..dot] : eventType;
        return area switch
        {
            "dataset" or "deidentification" or "license" or "consent" => "dataset",
            "irb" => "irb-protocol",
            "model" => "model",
            "access" => "api-key",
            _ => area,
        };
    }

    /// <summary>Applies the event at the next position.</summary>
    /// <param name="position">Its position: <see cref="Position"/> + 1.</param>
    /// <param name="stream">Its stream.</param>
    /// <param name="version">Its version in the stream: the stream's last version + 1.</param>
    /// <param name="eventType">Its wire name.</param>
    /// <param name="data">Its data; read only for <see cref="ReferencingEventTypes"/> (pass <see langword="default"/> for the others).</param>
    /// <exception cref="InvalidOperationException">The position or version does not follow on (the log has a gap, or the events are out of order).</exception>
    /// <exception cref="FormatException">A referencing event's data does not name its streams as its type says.</exception>
    public void Apply(long position, Guid stream, long version, string eventType, JsonElement data)
    {
        ArgumentNullException.ThrowIfNull(eventType);
        if (position != Position + 1)
        {
            throw new InvalidOperationException($"The stream index is at position {Position}; the next event is {Position + 1}, not {position}.");
        }

        var lastVersion = _streams.TryGetValue(stream, out var known) ? known.LastVersion : 0;
        if (version != lastVersion + 1)
        {
            throw new InvalidOperationException($"Stream {stream} is at version {lastVersion} in the index; position {position} holds version {version}.");
        }

        // What the event names is read first: an event that cannot be read changes nothing.
        var targets = ReadsData(eventType) ? ReferencedStreams(eventType, data).Where(t => t != stream).ToList() : [];
        var state = Get(stream);
        state.Type ??= StreamTypeOf(eventType);
        state.LastVersion = version;
        state.LastPosition = position;
        state.Changed();
        foreach (var target in targets)
        {
            Get(target).AddReferrer(new StreamReference(stream, state.Type));
        }

        Position = position;
    }

    /// <summary>Applies the event whose canonical envelope (docs/audit-bundle-format.md) is <paramref name="envelope"/>.</summary>
    /// <exception cref="FormatException">The envelope lacks a member the index reads.</exception>
    public void ApplyEnvelope(JsonElement envelope)
    {
        var type = StreamIndexEntry.Member(envelope, "type", JsonValueKind.String).GetString()!;
        Apply(
            StreamIndexEntry.Member(envelope, "position", JsonValueKind.Number).GetInt64(),
            StreamIndexEntry.Id(StreamIndexEntry.Member(envelope, "stream", JsonValueKind.String)),
            StreamIndexEntry.Member(envelope, "version", JsonValueKind.Number).GetInt64(),
            type,
            ReadsData(type) ? StreamIndexEntry.Member(envelope, "data", JsonValueKind.Object) : default);
    }

    /// <summary>The entry of a stream as the index stands, or null.</summary>
    public StreamIndexEntry? Find(Guid stream) => _streams.TryGetValue(stream, out var state) ? state.Entry() : null;

    /// <summary>The map of the index as it stands (at <see cref="Position"/>): its root, entries and proofs. The builder may go on afterwards.</summary>
    public StreamMap ToMap()
    {
        var leaves = new StreamMap.Leaf[_streams.Count];
        var i = 0;
        foreach (var state in _streams.Values)
        {
            leaves[i++] = state.ToLeaf();
        }

        return new StreamMap(Position, leaves);
    }

    private static IEnumerable<Guid> ReferencedStreams(string eventType, JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"An event of type {eventType} has no data object to read the streams it names from.");
        }

        var (items, member) = eventType switch
        {
            Bundles.LedgerEventTypes.DatasetVersionDerived => (StreamIndexEntry.Member(data, "parents", JsonValueKind.Array), "datasetId"),
            Bundles.LedgerEventTypes.TrainingRunRecorded => (StreamIndexEntry.Member(data, "inputs", JsonValueKind.Array), "datasetId"),
            _ => (StreamIndexEntry.Member(StreamIndexEntry.Member(data, "terms", JsonValueKind.Object), "coveredDatasetIds", JsonValueKind.Array), null),
        };
        foreach (var item in items.EnumerateArray())
        {
            yield return StreamIndexEntry.Id(member is null ? item : StreamIndexEntry.Member(item, member, JsonValueKind.String));
        }
    }

    private State Get(Guid stream)
    {
        if (!_streams.TryGetValue(stream, out var state))
        {
            _streams[stream] = state = new State(stream);
        }

        return state;
    }

    /// <summary>A stream's entry as it is being built, with its leaf hash cached until it changes. Kept small.</summary>
    private sealed class State(Guid stream)
    {
        // Referrers are checked for duplicates by scanning while few, by a set past this many.
        private const int SetFrom = 16;

        private readonly StreamMap.Leaf _key = StreamMap.Leaf.KeyOf(StreamIndexHashing.Key(stream));
        private List<StreamReference>? _referrers;
        private HashSet<Guid>? _referrerIds;
        private byte[]? _leaf;

        public string? Type { get; set; }

        public long LastVersion { get; set; }

        public long LastPosition { get; set; }

        public void Changed() => _leaf = null;

        public void AddReferrer(StreamReference reference)
        {
            _referrers ??= [];
            if (_referrerIds is not null ? !_referrerIds.Add(reference.Stream) : _referrers.Exists(r => r.Stream == reference.Stream))
            {
                return;
            }

            var text = reference.Stream.ToString("D");
            var at = _referrers.FindIndex(r => string.CompareOrdinal(r.Stream.ToString("D"), text) > 0);
            _referrers.Insert(at < 0 ? _referrers.Count : at, reference);
            if (_referrerIds is null && _referrers.Count >= SetFrom)
            {
                _referrerIds = [.. _referrers.Select(r => r.Stream)];
            }

            Changed();
        }

        public StreamIndexEntry Entry() => new(stream, Type, LastVersion, LastPosition, _referrers is null ? [] : [.. _referrers]);

        // The leaf hash is kept until the stream changes; the entry is made again for each map, which
        // holds it: a ledger's builder holds hundreds of thousands of these.
        public StreamMap.Leaf ToLeaf()
        {
            var entry = Entry();
            _leaf ??= StreamIndexHashing.Leaf(_key.KeyBytes(), entry.Hash());
            return _key with { Hash = _leaf, Entry = entry };
        }
    }
}
