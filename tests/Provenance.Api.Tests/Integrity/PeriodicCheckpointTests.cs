using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Provenance.EventStore;
using Provenance.EventStore.Integrity;
using Provenance.Integrity.Merkle;

using Provenance.Testing;

namespace Provenance.Api.Tests.Integrity;

public sealed class PeriodicCheckpointTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task The_service_integrates_new_events_and_signs_the_grown_tree_every_interval()
    {
        await using var instance = api.NewInstance().WithWebHostBuilder(web =>
        {
            web.UseSetting("Provenance:Integrity:CheckpointInterval", "00:00:00.200");
            web.UseSetting("Provenance:Background:SafetyPoll", "01:00:00");
        });
        using var client = api.AdminClientOf(instance);
        await Checkpoints.AppendDatasetsAsync(client, 3);
        var head = await api.CountEventsAsync();

        // Well within the one-hour safety poll: the checkpoint interval itself wakes the work.
        var latest = await Eventually.ReturnsAsync(async () =>
        {
            using var response = await client.GetAsync("/checkpoints/latest");
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : default;
        }, l => l.ValueKind == JsonValueKind.Object && l.GetProperty("treeSize").GetInt64() >= head, "a periodic checkpoint covers the head", TimeSpan.FromSeconds(5));

        Assert.Equal(head, latest.GetProperty("treeSize").GetInt64());
        var checkpoint = (await Checkpoints.VerifierAsync(client)).Verify(latest.GetProperty("note").GetString()!);
        await Checkpoints.VerifyInclusionAsync(client, head, head, checkpoint.RootHash.ToArray());
    }

    [Fact]
    public async Task An_inclusion_proof_reads_at_most_2_log_n_plus_2_subtrees_in_one_round_trip()
    {
        CountingSubtreeSource? counting = null;
        await using var instance = api.NewInstance().WithWebHostBuilder(web => web.ConfigureTestServices(services =>
            services.AddSingleton<ISubtreeHashSource>(sp => counting = new CountingSubtreeSource(
                new PostgresSubtreeHashSource(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<EventStoreOptions>())))));
        using var client = api.AdminClientOf(instance);
        await Checkpoints.AppendDatasetsAsync(client, 21);
        var (size, root, _, _) = await Checkpoints.SignAsync(client);

        foreach (var position in new[] { 1L, size / 3, size / 2, size - 1, size })
        {
            counting?.Reset();
            await Checkpoints.VerifyInclusionAsync(client, position, size, root);

            Assert.NotNull(counting);
            Assert.Equal(1, counting.Calls);
            Assert.InRange(counting.Lookups, 1, (2 * (int)Math.Ceiling(Math.Log2(size))) + 2);
        }
    }

    private sealed class CountingSubtreeSource(ISubtreeHashSource inner) : ISubtreeHashSource
    {
        private int _calls;
        private int _lookups;

        public int Calls => _calls;

        public int Lookups => _lookups;

        public ValueTask<IReadOnlyList<byte[]>> GetSubtreeHashesAsync(IReadOnlyList<SubtreeCoordinate> subtrees, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            Interlocked.Add(ref _lookups, subtrees.Count);
            return inner.GetSubtreeHashesAsync(subtrees, cancellationToken);
        }

        public void Reset() => (_calls, _lookups) = (0, 0);
    }
}
