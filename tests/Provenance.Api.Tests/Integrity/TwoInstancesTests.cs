using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Provenance.EventStore;
using Provenance.Integrity.Merkle;

namespace Provenance.Api.Tests.Integrity;

/// <summary>
/// #8: two instances of the service on one database, appending at the same time. What must stay
/// correct without any coordination between them but the database: one gapless order of the log,
/// each write exactly once (also when retried through the other instance), and checkpoints signed
/// by either instance that prove consistent with each other.
/// </summary>
public sealed class TwoInstancesTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const int PerInstance = 40;

    [Fact]
    public async Task Two_instances_appending_at_once_keep_one_gapless_order_and_sign_checkpoints_that_prove_consistent()
    {
        await using var second = api.NewInstance();
        var first = api.Client;
        using var other = api.AdminClientOf(second);
        var before = await api.Service<PostgresEventStore>().GetHeadPositionAsync();

        var created = new List<Guid>();
        created.AddRange(await AppendThroughBothAsync(first, other, "first round"));
        var (size1, root1, _, _) = await Checkpoints.SignAsync(first);
        created.AddRange(await AppendThroughBothAsync(first, other, "second round"));
        var (size2, root2, _, _) = await Checkpoints.SignAsync(other);

        // One log: every position from the first to the head exactly once, each new dataset's event once.
        var log = await api.Service<PostgresEventStore>().ReadAllRawAsync(before, int.MaxValue).ToListAsync();
        Assert.Equal(Enumerable.Range(1, log.Count).Select(i => before + i), log.Select(e => e.Position));
        var registered = log.Where(e => e.Type == "dataset.registered").Select(e => e.StreamId).ToList();
        Assert.Equal(created.Order(), registered.Order());
        Assert.Equal(4 * PerInstance, registered.Count);
        Assert.Equal(before + log.Count, size2);

        // The checkpoint the second instance signed extends the one the first signed, as either instance proves.
        foreach (var client in new[] { first, other })
        {
            var proof = await client.GetFromJsonAsync<JsonElement>($"/checkpoints/consistency-proof?from={size1}&to={size2}");
            MerkleTree.VerifyConsistency((ulong)size1, (ulong)size2, Checkpoints.Hashes(proof.GetProperty("proof")), root1, root2);
        }
    }

    [Fact]
    public async Task A_retry_through_the_other_instance_writes_nothing_twice()
    {
        await using var second = api.NewInstance();
        using var other = api.AdminClientOf(second);
        var body = Requests.ValidDataset("Retried through another instance");

        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            using var request = Requests.Post("/datasets", body, idempotencyKey: "two-instances-retry");
            using var response = await (i % 2 == 0 ? api.Client : other).SendAsync(request);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        }));

        var id = Assert.Single(attempts.Distinct());
        Assert.Equal(1, (await api.Service<PostgresEventStore>().GetStreamAsync(id))!.Version);
    }

    private static async Task<List<Guid>> AppendThroughBothAsync(HttpClient first, HttpClient other, string round)
    {
        var ids = await Task.WhenAll(Enumerable.Range(0, 2 * PerInstance).Select(async i =>
        {
            using var response = await (i % 2 == 0 ? first : other).SendAsync(Requests.Post("/datasets", Requests.ValidDataset($"Two instances, {round}, {i}")));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        }));
        return [.. ids];
    }
}
