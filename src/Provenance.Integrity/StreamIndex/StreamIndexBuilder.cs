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
    // Referrers are checked for duplicates by walking a stream's list while it is short, by a set past this many.
    private const int SetFrom = 16;
    private const int HashSize = StreamIndexHashing.HashSize;

    // #22: flat arrays indexed by slot (one slot per stream, in the order streams were first seen),
    // no object per stream: a ledger holds hundreds of thousands of streams for as long as it runs.
    private readonly Dictionary<Guid, int> _slots = [];
    private readonly List<string> _typeNames = [];
    private readonly Dictionary<int, HashSet<int>> _crowded = [];
    private StreamEntries _entries = new(0);
    private byte[] _leafHashes = [];
    private bool[] _leafKnown = [];
    private int _count;

    /// <summary>The wire names of the events whose data names other streams; the others are applied without their data.</summary>
    public static IReadOnlyList<string> ReferencingEventTypes { get; } =
        [Bundles.LedgerEventTypes.DatasetVersionDerived, Bundles.LedgerEventTypes.IrbProtocolApproved, Bundles.LedgerEventTypes.IrbProtocolAmended,
         Bundles.LedgerEventTypes.TrainingRunRecorded];

    /// <summary>The tree size the index is at: the position of the last event applied.</summary>
    public long Position { get; private set; }

    /// <summary>How many streams the index holds (with an event, or referenced).</summary>
    public int Count => _count;

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
    /// <exception cref="FormatException">A referencing event's data does not name its streams as its type says, or the log has more than 255 stream types.</exception>
    public void Apply(long position, Guid stream, long version, string eventType, JsonElement data)
    {
        ArgumentNullException.ThrowIfNull(eventType);
        if (position != Position + 1)
        {
            throw new InvalidOperationException($"The stream index is at position {Position}; the next event is {Position + 1}, not {position}.");
        }

        var exists = _slots.TryGetValue(stream, out var known);
        var lastVersion = exists ? _entries.Versions[known] : 0;
        if (version != lastVersion + 1)
        {
            throw new InvalidOperationException($"Stream {stream} is at version {lastVersion} in the index; position {position} holds version {version}.");
        }

        // What the event names is read first: an event that cannot be read changes nothing.
        var targets = ReadsData(eventType) ? ReferencedStreams(eventType, data).Where(t => t != stream).ToList() : [];
        // A stream's type is its first event's: a stream named before it had one gets it now.
        var type = exists && _entries.Types[known] != 0 ? _entries.Types[known] : TypeCode(StreamTypeOf(eventType));
        var slot = Get(stream);
        _entries.Types[slot] = type;

        _entries.Versions[slot] = version;
        _entries.Positions[slot] = position;
        _leafKnown[slot] = false;
        foreach (var target in targets)
        {
            AddReferrer(Get(target), slot);
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
    public StreamIndexEntry? Find(Guid stream) => _slots.TryGetValue(stream, out var slot) ? _entries.Entry(slot, [.. _typeNames]) : null;

    /// <summary>The map of the index as it stands (at <see cref="Position"/>): its root, entries and proofs. The builder may go on afterwards.</summary>
    public StreamMap ToMap()
    {
        var leaves = SortedLeaves();
        return new StreamMap(Position, leaves, _leafHashes.AsSpan(0, _count * HashSize).ToArray(), _entries.Snapshot(_count), [.. _typeNames]);
    }

    /// <summary>The root of the map of the index as it stands, without keeping the map (a checkpoint signs only the root).</summary>
    public byte[] Root() => StreamMap.RootOf(SortedLeaves(), _leafHashes);

    // Every stream's key (computed again: 32 bytes a stream are not worth keeping) with its slot, in key
    // order, each leaf hash brought up to date.
    private StreamMap.Leaf[] SortedLeaves()
    {
        var names = _typeNames.ToArray();
        var leaves = new StreamMap.Leaf[_count];
        Span<byte> key = stackalloc byte[HashSize];
        for (var slot = 0; slot < _count; slot++)
        {
            StreamIndexHashing.Key(_entries.Ids[slot], key);
            if (!_leafKnown[slot])
            {
                StreamIndexHashing.Leaf(key, _entries.Entry(slot, names).Hash(), _leafHashes.AsSpan(slot * HashSize, HashSize));
                _leafKnown[slot] = true;
            }

            leaves[slot] = StreamMap.Leaf.KeyOf(key, slot);
        }

        Array.Sort(leaves, static (a, b) => a.CompareTo(b));
        return leaves;
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

    private byte TypeCode(string type)
    {
        var index = _typeNames.IndexOf(type);
        if (index < 0)
        {
            if (_typeNames.Count == byte.MaxValue)
            {
                throw new FormatException($"The log names more than {byte.MaxValue} stream types; \"{type}\" is one too many.");
            }

            _typeNames.Add(type);
            index = _typeNames.Count - 1;
        }

        return (byte)(index + 1);
    }

    private int Get(Guid stream)
    {
        if (_slots.TryGetValue(stream, out var slot))
        {
            return slot;
        }

        if (_count == _entries.Ids.Length)
        {
            var capacity = Math.Max(1024, _count + (_count / 2));
            _entries = _entries.Grown(capacity);
            Array.Resize(ref _leafHashes, capacity * HashSize);
            Array.Resize(ref _leafKnown, capacity);
        }

        slot = _count++;
        _slots[stream] = slot;
        _entries.Ids[slot] = stream;
        _entries.FirstReferrer[slot] = -1;
        return slot;
    }

    private void AddReferrer(int target, int referrer)
    {
        if (_crowded.TryGetValue(target, out var set))
        {
            if (!set.Add(referrer))
            {
                return;
            }
        }
        else
        {
            var length = 0;
            for (var r = _entries.FirstReferrer[target]; r >= 0; r = _entries.ReferrerNext[r], length++)
            {
                if (_entries.ReferrerSlots[r] == referrer)
                {
                    return;
                }
            }

            if (length + 1 >= SetFrom)
            {
                set = [referrer];
                for (var r = _entries.FirstReferrer[target]; r >= 0; r = _entries.ReferrerNext[r])
                {
                    set.Add(_entries.ReferrerSlots[r]);
                }

                _crowded[target] = set;
            }
        }

        _entries.AddReferrer(target, referrer);
        _leafKnown[target] = false;
    }
}

/// <summary>
/// The streams' entries as flat arrays by slot. Referrers are kept as lists linked from each stream
/// (newest first) in two arrays that only grow: a copy that shares them (<see cref="Snapshot"/>)
/// still reads its own lists after the original adds to them.
/// </summary>
internal sealed class StreamEntries
{
    private int _referrerCount;

    public StreamEntries(int capacity)
    {
        Ids = new Guid[capacity];
        Versions = new long[capacity];
        Positions = new long[capacity];
        Types = new byte[capacity];
        FirstReferrer = new int[capacity];
        ReferrerSlots = [];
        ReferrerNext = [];
    }

    private StreamEntries(Guid[] ids, long[] versions, long[] positions, byte[] types, int[] firstReferrer, int[] referrerSlots, int[] referrerNext, int referrerCount)
    {
        (Ids, Versions, Positions, Types, FirstReferrer, ReferrerSlots, ReferrerNext, _referrerCount) =
            (ids, versions, positions, types, firstReferrer, referrerSlots, referrerNext, referrerCount);
    }

    public Guid[] Ids { get; }

    public long[] Versions { get; }

    public long[] Positions { get; }

    /// <summary>0: no event yet; otherwise 1 + the index of the type's name.</summary>
    public byte[] Types { get; }

    public int[] FirstReferrer { get; }

    public int[] ReferrerSlots { get; private set; }

    public int[] ReferrerNext { get; private set; }

    public StreamEntries Grown(int capacity)
    {
        var grown = new StreamEntries(
            Resized(Ids, capacity), Resized(Versions, capacity), Resized(Positions, capacity), Resized(Types, capacity), Resized(FirstReferrer, capacity),
            ReferrerSlots, ReferrerNext, _referrerCount);
        return grown;
    }

    /// <summary>A copy of the first <paramref name="count"/> entries as they stand, which later changes to this one leave alone.</summary>
    public StreamEntries Snapshot(int count) => new(
        Ids[..count], Versions[..count], Positions[..count], Types[..count], FirstReferrer[..count], ReferrerSlots, ReferrerNext, _referrerCount);

    public void AddReferrer(int target, int referrer)
    {
        if (_referrerCount == ReferrerSlots.Length)
        {
            // New arrays, never written in place past this point: a snapshot keeps reading the old ones.
            var capacity = Math.Max(1024, _referrerCount + (_referrerCount / 2));
            ReferrerSlots = Resized(ReferrerSlots, capacity);
            ReferrerNext = Resized(ReferrerNext, capacity);
        }

        ReferrerSlots[_referrerCount] = referrer;
        ReferrerNext[_referrerCount] = FirstReferrer[target];
        FirstReferrer[target] = _referrerCount++;
    }

    /// <summary>The entry of a slot, its referrers sorted by id as lowercase text (the order of the id's big-endian bytes).</summary>
    public StreamIndexEntry Entry(int slot, string[] typeNames)
    {
        var referrers = new List<StreamReference>();
        for (var r = FirstReferrer[slot]; r >= 0; r = ReferrerNext[r])
        {
            var referrer = ReferrerSlots[r];
            referrers.Add(new StreamReference(Ids[referrer], typeNames[Types[referrer] - 1]));
        }

        if (referrers.Count > 1)
        {
            referrers.Sort(static (a, b) => TextOrder(a.Stream).CompareTo(TextOrder(b.Stream)));
        }

        return new StreamIndexEntry(Ids[slot], Types[slot] == 0 ? null : typeNames[Types[slot] - 1], Versions[slot], Positions[slot], referrers);
    }

    private static UInt128 TextOrder(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    private static T[] Resized<T>(T[] array, int capacity)
    {
        var resized = new T[capacity];
        array.AsSpan(0, Math.Min(array.Length, capacity)).CopyTo(resized);
        return resized;
    }
}
