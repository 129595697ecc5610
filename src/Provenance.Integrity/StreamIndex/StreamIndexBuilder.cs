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

    // Buckets to hash again from which Root hashes them on every core.
    internal const int ParallelFrom = 256;

    /// <summary>At most 65,536 buckets: a few leaves each at a million streams, a few hundred at a hundred million.</summary>
    internal const int MaxBucketBits = 16;

    // #22: flat arrays indexed by slot (one slot per stream, in the order streams were first seen),
    // no object per stream: a ledger holds hundreds of thousands of streams for as long as it runs.
    private readonly Dictionary<Guid, int> _slots = [];
    private readonly List<string> _typeNames = [];
    private readonly Dictionary<int, HashSet<int>> _crowded = [];
    private StreamEntries _entries = new(0);
    private byte[] _leafHashes = [];
    private bool[] _leafKnown = [];
    private int _count;

    // #22: the root kept between checkpoints. Streams are put in buckets by the first bits of their
    // keys (a bucket is a subtree of the map); a bucket's hash is computed again only when one of its
    // streams changed or joined, and the root from the buckets' hashes.
    private readonly int _minBucketBits;
    private readonly int _maxBucketBits;
    private int _bucketBits = -1;
    private int _keyed;
    private ushort[] _bucketOf = [];
    private int[][] _bucketSlots = [];
    private int[] _bucketCounts = [];
    private byte[] _bucketHashes = [];
    private bool[] _bucketDirty = [];

    /// <summary>An empty index.</summary>
    public StreamIndexBuilder()
        : this(MaxBucketBits)
    {
    }

    // Tests choose the buckets' bits: the same as a large index's for a few streams puts zero or one in most buckets.
    internal StreamIndexBuilder(int maxBucketBits, int minBucketBits = 0)
    {
        _maxBucketBits = Math.Clamp(maxBucketBits, 0, MaxBucketBits);
        _minBucketBits = Math.Clamp(minBucketBits, 0, _maxBucketBits);
    }

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

    /// <summary>
    /// The root of the map of the index as it stands, without keeping the map (a checkpoint signs
    /// only the root). Incremental: only the subtrees holding a stream that changed or joined since
    /// the last root are hashed again (with about 8 to 16 streams a bucket up to 65,536 buckets), then
    /// the top of the tree from the buckets' hashes.
    /// </summary>
    public byte[] Root()
    {
        var bits = Math.Clamp((int)Math.Log2(Math.Max(1, _count)) - 3, _minBucketBits, _maxBucketBits);
        if (bits > _bucketBits)
        {
            Rebucket(bits);
        }

        Span<byte> key = stackalloc byte[HashSize];
        for (; _keyed < _count; _keyed++)
        {
            StreamIndexHashing.Key(_entries.Ids[_keyed], key);
            var bucket = BucketOf(key);
            _bucketOf[_keyed] = (ushort)bucket;
            ref var slots = ref _bucketSlots[bucket];
            if (_bucketCounts[bucket] == slots.Length)
            {
                Array.Resize(ref slots, Math.Max(4, 2 * slots.Length));
            }

            slots[_bucketCounts[bucket]++] = _keyed;
            _bucketDirty[bucket] = true;
        }

        for (var slot = 0; slot < _count; slot++)
        {
            if (!_leafKnown[slot])
            {
                _bucketDirty[_bucketOf[slot]] = true;
            }
        }

        var names = _typeNames.ToArray();
        var dirty = new List<int>();
        for (var bucket = 0; bucket < _bucketDirty.Length; bucket++)
        {
            if (_bucketDirty[bucket])
            {
                dirty.Add(bucket);
            }
        }

        // #22: the first root after a start hashes every bucket (about 130,000 streams at a million
        // events); buckets share nothing they write (a bucket's streams' leaves, its own hash and
        // flag), so many are hashed on every core. A checkpoint's few are hashed on this thread.
        if (dirty.Count >= ParallelFrom && Environment.ProcessorCount > 1)
        {
            Parallel.For(0, dirty.Count, i => HashBucket(dirty[i], names));
        }
        else
        {
            foreach (var bucket in dirty)
            {
                HashBucket(bucket, names);
            }
        }

        // Cleared only now: hashing a bucket's leaves marks it dirty again.
        foreach (var bucket in dirty)
        {
            _bucketDirty[bucket] = false;
        }

        var root = new byte[HashSize];
        Top(0, _bucketCounts.Length, root);
        return root;
    }

    private int BucketOf(ReadOnlySpan<byte> key) => _bucketBits == 0 ? 0 : ((key[0] << 8) | key[1]) >> (16 - _bucketBits);

    // Buckets by the first `bits` bits of the keys, every one to be hashed (the leaves' hashes stay).
    private void Rebucket(int bits)
    {
        _bucketBits = bits;
        _keyed = 0;
        _bucketSlots = new int[1 << bits][];
        Array.Fill(_bucketSlots, []);
        _bucketCounts = new int[1 << bits];
        _bucketHashes = new byte[(1 << bits) * HashSize];
        _bucketDirty = new bool[1 << bits];
    }

    // A bucket's subtree: its leaves' hashes brought up to date, in key order, hashed from the depth the bucket's bits end at.
    private void HashBucket(int bucket, string[] names)
    {
        var count = _bucketCounts[bucket];
        var slots = _bucketSlots[bucket];
        var leaves = new StreamMap.Leaf[count];
        Span<byte> key = stackalloc byte[HashSize];
        for (var i = 0; i < count; i++)
        {
            StreamIndexHashing.Key(_entries.Ids[slots[i]], key);
            UpdateLeaf(slots[i], key, names);
            leaves[i] = StreamMap.Leaf.KeyOf(key, slots[i]);
        }

        Array.Sort(leaves, static (a, b) => a.CompareTo(b));
        StreamMap.RootOf(leaves, _leafHashes, _bucketBits, _bucketHashes.AsSpan(bucket * HashSize, HashSize));
    }

    // The buckets [lo, hi) as one subtree: how many leaves it holds, and its hash (as the map defines it: a
    // lone leaf's hash, the empty hash, or the node of its two halves).
    private int Top(int lo, int hi, Span<byte> destination)
    {
        if (hi - lo == 1)
        {
            (_bucketCounts[lo] == 0 ? StreamIndexHashing.Empty : _bucketHashes.AsSpan(lo * HashSize, HashSize)).CopyTo(destination);
            return _bucketCounts[lo];
        }

        var middle = lo + ((hi - lo) / 2);
        Span<byte> left = stackalloc byte[HashSize];
        Span<byte> right = stackalloc byte[HashSize];
        var (leftCount, rightCount) = (Top(lo, middle, left), Top(middle, hi, right));
        if (leftCount + rightCount < 2)
        {
            (leftCount == 1 ? left : right).CopyTo(destination);
        }
        else
        {
            StreamIndexHashing.Node(left, right, destination);
        }

        return leftCount + rightCount;
    }

    // A stream's leaf hash, computed again if its entry changed; its bucket's hash is then out of date.
    private void UpdateLeaf(int slot, ReadOnlySpan<byte> key, string[] names)
    {
        if (!_leafKnown[slot])
        {
            StreamIndexHashing.Leaf(key, _entries.Entry(slot, names).Hash(), _leafHashes.AsSpan(slot * HashSize, HashSize));
            _leafKnown[slot] = true;
            if (slot < _keyed)
            {
                _bucketDirty[_bucketOf[slot]] = true;
            }
        }
    }

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
            UpdateLeaf(slot, key, names);
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
            Array.Resize(ref _bucketOf, capacity);
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
