using System.Text.Json;
using Provenance.Integrity.StreamIndex;

namespace Provenance.Integrity.Tests.StreamIndex;

/// <summary>#16: the stream index as a verifiable map: its root, proofs of entries and of absence.</summary>
public sealed class StreamMapTests
{

    private static StreamIndexBuilder LogOf(int streams, int eventsPerStream = 1)
    {
        var builder = new StreamIndexBuilder();
        var ids = Enumerable.Range(0, streams).Select(_ => Guid.CreateVersion7()).ToList();
        var position = 0L;
        for (var v = 1; v <= eventsPerStream; v++)
        {
            foreach (var id in ids)
            {
                builder.Apply(++position, id, v, v == 1 ? "dataset.registered" : "dataset.version-contributed", default);
            }
        }

        return builder;
    }

    // The definition, computed the slow way: empty is zero, one leaf is the leaf, more is the node of the halves.
    private static byte[] Reference(IReadOnlyList<(byte[] Key, byte[] Leaf)> leaves, int depth)
    {
        if (leaves.Count == 0)
        {
            return new byte[32];
        }

        if (leaves.Count == 1)
        {
            return leaves[0].Leaf;
        }

        var left = leaves.Where(l => StreamIndexHashing.Bit(l.Key, depth) == 0).ToList();
        var right = leaves.Where(l => StreamIndexHashing.Bit(l.Key, depth) == 1).ToList();
        return StreamIndexHashing.Node(Reference(left, depth + 1), Reference(right, depth + 1));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(37)]
    [InlineData(1000)]
    public void The_root_is_the_sparse_merkle_tree_of_the_entries(int streams)
    {
        var builder = LogOf(streams, eventsPerStream: 2);
        var map = builder.ToMap();
        var leaves = map.AllStreams.Select(id =>
        {
            var key = StreamIndexHashing.Key(id);
            return (key, StreamIndexHashing.Leaf(key, builder.Find(id)!.Hash()));
        }).ToList();

        Assert.Equal(streams, map.Count);
        Assert.Equal(Reference(leaves, 0), map.Root);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(1000)]
    public void The_root_alone_is_the_maps_root(int streams)
    {
        var builder = LogOf(streams, eventsPerStream: 2);
        var referrer = Guid.CreateVersion7();
        if (streams > 0)
        {
            // Referrers change entries after their leaves were hashed: the root must see the new ones.
            Assert.Equal(builder.ToMap().Root, builder.Root());
            builder.Apply(builder.Position + 1, referrer, 1, "irb.protocol-approved",
                JsonSerializer.SerializeToElement(new { terms = new { coveredDatasetIds = builder.ToMap().AllStreams.Take(20).Select(s => s.ToString("D")) } }));
        }

        Assert.Equal(builder.ToMap().Root, builder.Root());
    }

    [Theory]
    [InlineData(StreamIndexBuilder.MaxBucketBits, 0)]
    [InlineData(2, 0)]
    [InlineData(0, 0)]
    [InlineData(12, 12)]
    public void The_root_kept_between_checkpoints_is_the_definitions_root_after_every_round(int maxBucketBits, int minBucketBits)
    {
        // #22: the root is recomputed only where streams changed or joined. Rounds of new streams,
        // new versions and referrers (which change streams other than the event's own), with maps
        // taken in between (they bring leaves up to date too), across the bucket counts the index
        // grows through (and 4,096 buckets from the first stream on, most of them empty or with one
        // stream); each root against the definition computed from every entry.
        var random = new Random(maxBucketBits + minBucketBits);
        var builder = new StreamIndexBuilder(maxBucketBits, minBucketBits);
        var streams = new List<Guid>();
        var versions = new Dictionary<Guid, long>();
        void Apply(Guid stream, string type, JsonElement data = default)
        {
            versions[stream] = versions.GetValueOrDefault(stream) + 1;
            builder.Apply(builder.Position + 1, stream, versions[stream], type, data);
        }

        for (var round = 0; round < 40; round++)
        {
            for (var i = random.Next(1, round < 10 ? 8 : 150); i > 0; i--)
            {
                var stream = Guid.CreateVersion7();
                streams.Add(stream);
                Apply(stream, "dataset.registered");
            }

            for (var i = random.Next(0, 5); i > 0; i--)
            {
                Apply(streams[random.Next(streams.Count)], "dataset.version-contributed");
            }

            if (random.Next(3) == 0)
            {
                var protocol = Guid.CreateVersion7();
                var covered = Enumerable.Range(0, random.Next(1, 6)).Select(_ => streams[random.Next(streams.Count)].ToString("D"));
                Apply(protocol, "irb.protocol-approved", JsonSerializer.SerializeToElement(new { terms = new { coveredDatasetIds = covered } }));
                streams.Add(protocol);
            }

            if (random.Next(4) == 0)
            {
                Assert.NotNull(builder.ToMap());
            }

            var leaves = streams.Select(id =>
            {
                var key = StreamIndexHashing.Key(id);
                return (key, StreamIndexHashing.Leaf(key, builder.Find(id)!.Hash()));
            }).ToList();
            Assert.Equal(Reference(leaves, 0), builder.Root());
        }

        Assert.True(streams.Count > 1000, $"{streams.Count} streams");
    }

    [Fact]
    public void A_root_hashed_on_every_core_is_the_definitions_root()
    {
        // #22: the first root after a start (every bucket to hash, and every leaf: no map or root
        // came before it) and a round that changes streams in most buckets are hashed on every
        // core; each against the definition computed from every entry.
        var builder = new StreamIndexBuilder();
        var streams = Enumerable.Range(0, 6_000).Select(_ => Guid.CreateVersion7()).ToList();
        void Apply(Guid stream, long version, string type, JsonElement data = default) => builder.Apply(builder.Position + 1, stream, version, type, data);
        List<(byte[] Key, byte[] Leaf)> Leaves() => [.. streams.Select(id =>
        {
            var key = StreamIndexHashing.Key(id);
            return (key, StreamIndexHashing.Leaf(key, builder.Find(id)!.Hash()));
        })];

        streams.ForEach(s => Apply(s, 1, "dataset.registered"));
        streams.ForEach(s => Apply(s, 2, "dataset.version-contributed"));
        // 6,000 streams make 512 buckets, all of them to hash.
        Assert.True(streams.Count / 8 >= StreamIndexBuilder.ParallelFrom, "the first root hashes enough buckets to go parallel");
        Assert.Equal(Reference(Leaves(), 0), builder.Root());

        // Most buckets change: a new version for every other stream, and a protocol covering a hundred.
        streams.Where((_, i) => i % 2 == 0).ToList().ForEach(s => Apply(s, 3, "dataset.version-contributed"));
        var protocol = Guid.CreateVersion7();
        Apply(protocol, 1, "irb.protocol-approved",
            JsonSerializer.SerializeToElement(new { terms = new { coveredDatasetIds = streams.Take(100).Select(s => s.ToString("D")) } }));
        streams.Add(protocol);
        Assert.Equal(Reference(Leaves(), 0), builder.Root());
        Assert.Equal(builder.ToMap().Root, builder.Root());
    }

    [Fact]
    public void A_map_keeps_the_index_as_it_stood_while_the_builder_goes_on()
    {
        var builder = LogOf(200, eventsPerStream: 2);
        var streams = builder.ToMap().AllStreams.ToList();
        void Cover(IEnumerable<Guid> datasets) => builder.Apply(builder.Position + 1, Guid.CreateVersion7(), 1, "irb.protocol-approved",
            JsonSerializer.SerializeToElement(new { terms = new { coveredDatasetIds = datasets.Select(s => s.ToString("D")) } }));
        Cover(streams.Take(50));
        var map = builder.ToMap();
        var before = streams.ToDictionary(s => s, s => JsonSerializer.Serialize(map.Find(s)));
        var root = map.Root.ToArray();

        // Later: new versions, new referrers (past the referrers' first storage), a type for a stream named before its first event, new streams.
        foreach (var stream in streams.Take(100))
        {
            builder.Apply(builder.Position + 1, stream, 3, "dataset.version-contributed", default);
        }

        for (var i = 0; i < 40; i++)
        {
            Cover(streams.Skip(i).Take(60));
        }

        var latecomer = Guid.CreateVersion7();
        Cover([latecomer]);
        builder.Apply(builder.Position + 1, latecomer, 1, "dataset.registered", default);
        for (var i = 0; i < 3000; i++)
        {
            builder.Apply(builder.Position + 1, Guid.CreateVersion7(), 1, "model.registered", default);
        }

        Assert.All(streams, s => Assert.Equal(before[s], JsonSerializer.Serialize(map.Find(s))));
        Assert.Equal(root, map.Root);
        Assert.All(streams.Take(20), s => Assert.Null(map.Prove(s).Verify(root)));
        Assert.NotEqual(JsonSerializer.Serialize(builder.Find(streams[0])), before[streams[0]]);
        Assert.Equal("dataset", builder.Find(latecomer)!.Type);
        Assert.Equal(builder.ToMap().Root, builder.Root());
    }

    [Fact]
    public void Every_entry_is_proved_and_a_changed_entry_is_not()
    {
        var map = LogOf(500, eventsPerStream: 3).ToMap();

        foreach (var stream in map.AllStreams)
        {
            var proof = map.Prove(stream);
            Assert.True(proof.IsPresent);
            Assert.Equal(3, proof.Entry!.LastVersion);
            Assert.Null(proof.Verify(map.Root));
            var cut = proof with { Entry = proof.Entry with { LastVersion = 2 } };
            Assert.NotNull(cut.Verify(map.Root));
        }
    }

    [Fact]
    public void A_missing_stream_is_proved_absent_and_a_present_one_cannot_be()
    {
        var map = LogOf(300).ToMap();
        var present = map.AllStreams.First();

        for (var i = 0; i < 200; i++)
        {
            var missing = Guid.CreateVersion7();
            var absence = map.Prove(missing);
            Assert.False(absence.IsPresent);
            Assert.Null(absence.Verify(map.Root));

            // The same path and terminal, claimed for a stream that is there: refused.
            Assert.NotNull((absence with { Stream = present }).Verify(map.Root));
        }

        // A present stream's own proof, turned into a claim of absence: refused.
        var proof = map.Prove(present);
        Assert.NotNull((proof with { Entry = null }).Verify(map.Root));
        Assert.NotNull((proof with { Entry = null, Neighbor = new StreamIndexNeighbor(StreamIndexHashing.Key(present), proof.Entry!.Hash()) }).Verify(map.Root));
    }

    [Fact]
    public void An_empty_index_proves_every_stream_absent()
    {
        var map = new StreamIndexBuilder().ToMap();

        Assert.Equal(new byte[32], map.Root);
        Assert.Null(map.Prove(Guid.CreateVersion7()).Verify(map.Root));
    }

    [Fact]
    public void A_proof_in_an_index_of_140_000_streams_is_about_log2_hashes_and_under_2_kb()
    {
        var map = LogOf(140_000).ToMap();
        var sizes = map.AllStreams.Take(2_000).Select(s => map.Prove(s)).Select(p => (p.Siblings.Count, p.ToCanonicalJson().Length)).ToList();

        Assert.InRange(sizes.Average(s => s.Count), 15, 21);
        Assert.True(sizes.Max(s => s.Length) <= 2048, $"the largest proof line is {sizes.Max(s => s.Length)} bytes");
    }

    [Fact]
    public void A_proof_line_reads_back_as_the_same_proof()
    {
        var map = LogOf(50).ToMap();
        foreach (var proof in new[] { map.Prove(map.AllStreams.First()), map.Prove(Guid.CreateVersion7()) })
        {
            var line = proof.ToCanonicalJson();
            var read = StreamIndexProof.Read(JsonDocument.Parse(line).RootElement);

            Assert.Equal(line, read.ToCanonicalJson());
            Assert.Null(read.Verify(map.Root));
        }
    }
}
