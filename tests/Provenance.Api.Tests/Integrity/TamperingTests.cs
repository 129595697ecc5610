using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Npgsql;
using Provenance.EventStore.Integrity;
using Provenance.Testing;

namespace Provenance.Api.Tests.Integrity;

/// <summary>
/// A checkpoint row written around the service makes it refuse to sign an inconsistent tree. Since #14
/// only the tables' owner can still write such a row (the run-time role has no INSERT right, and its
/// function checks the root and the note); this is what detection catches of an owner gone rogue.
/// </summary>
public sealed class ForgedCheckpointTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task After_a_forged_checkpoint_the_service_refuses_to_sign_and_says_why()
    {
        var client = api.Client;
        await Checkpoints.AppendDatasetsAsync(client, 3);
        await Checkpoints.SignAsync(client);
        await Checkpoints.AppendDatasetsAsync(client, 2);
        var head = await api.Service<MerkleIntegrator>().CatchUpAsync(long.MaxValue);
        await ForgeAsync(head.Size);

        var sameSize = await Problems.AssertAsync(await client.PostAsync("/checkpoints", null), HttpStatusCode.InternalServerError, "integrity-violation");
        await Checkpoints.AppendDatasetsAsync(client, 1);
        var larger = await Problems.AssertAsync(await client.PostAsync("/checkpoints", null), HttpStatusCode.InternalServerError, "integrity-violation");

        Assert.Contains("already stored with another root", sameSize.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("not consistent with the latest checkpoint", larger.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var checkpoints = await TreeSizesAsync();
        Assert.DoesNotContain(head.Size + 1, checkpoints);
        Assert.Contains(api.Logs.Entries, e => e.Level == LogLevel.Critical && e.Exception is LogIntegrityException);

        // A forged checkpoint beyond the tree gets no proofs either: its subtrees don't exist.
        await ForgeAsync(head.Size + 100);
        var beyond = await Problems.AssertAsync(await client.GetAsync($"/events/1/inclusion-proof?treeSize={head.Size + 100}"), HttpStatusCode.InternalServerError, "integrity-violation");
        Assert.Contains("has not stored", beyond.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private async Task ForgeAsync(long size)
    {
        await using var app = new NpgsqlConnection(api.OwnerConnectionString);
        await app.OpenAsync();
        await using var forge = new NpgsqlCommand(
            "INSERT INTO provenance.checkpoints (tree_size, root, note, key_id) VALUES (@size, @root, 'forged', '00000000')", app);
        forge.Parameters.Add(new NpgsqlParameter<long>("size", size));
        forge.Parameters.Add(new NpgsqlParameter<byte[]>("root", SHA256.HashData("another history"u8)));
        await forge.ExecuteNonQueryAsync();
    }

    private async Task<List<long>> TreeSizesAsync()
    {
        await using var app = new NpgsqlConnection(api.AppConnectionString);
        await app.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT tree_size FROM provenance.checkpoints", app);
        var sizes = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            sizes.Add(reader.GetInt64(0));
        }

        return sizes;
    }
}

/// <summary>An event changed after it was integrated (only a superuser bypassing the triggers can) has no valid inclusion proof.</summary>
public sealed class TamperedEventTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task An_event_changed_behind_the_ledgers_back_gets_no_inclusion_proof()
    {
        var client = api.Client;
        await Checkpoints.AppendDatasetsAsync(client, 4);
        var (size, root, _, _) = await Checkpoints.SignAsync(client);
        await Checkpoints.VerifyInclusionAsync(client, 2, size, root);
        await using (var admin = new NpgsqlConnection(api.AdminConnectionString))
        {
            await admin.OpenAsync();
            await TestDatabase.ExecuteAsync(admin,
                "BEGIN; SET LOCAL session_replication_role = replica; " +
                "UPDATE provenance.events SET data = jsonb_set(data, '{recordCount}', '1') WHERE position = 2; COMMIT");
        }

        var problem = await Problems.AssertAsync(await client.GetAsync($"/events/2/inclusion-proof?treeSize={size}"), HttpStatusCode.InternalServerError, "integrity-violation");

        Assert.Contains("position 2", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await Checkpoints.VerifyInclusionAsync(client, 3, size, root);
        var latest = await client.GetFromJsonAsync<JsonElement>("/checkpoints/latest");
        Assert.Equal(size, latest.GetProperty("treeSize").GetInt64());
    }
}

/// <summary>
/// #22: the exporter prepares pages of events on one task while it writes the page before on
/// another. An event changed behind the ledger's back, pages into a bundle, stops the export with
/// an integrity violation (in format 2, naming its block); neither stage is left waiting, and the
/// next export works.
/// </summary>
public sealed class TamperedExportTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task An_export_past_an_event_changed_behind_the_ledgers_back_fails_naming_its_block_and_the_service_exports_again()
    {
        var store = api.Service<Provenance.EventStore.PostgresEventStore>();
        var metadata = new Provenance.EventStore.EventMetadata("export-test", "admin", "tampered-export");
        long earlier = 0;
        foreach (var append in new Provenance.Scenarios.ScenarioGenerator(23, 8_000, new Provenance.Scenarios.FlagshipShape(3, 2)).Generate())
        {
            var appended = await append.AppendToAsync(store, metadata);
            if (earlier == 0 && appended.LastPosition >= 2_000)
            {
                earlier = (await Checkpoints.SignAsync(api.Client)).Size;
            }
        }

        var (size, _, _, _) = await Checkpoints.SignAsync(api.Client);
        Assert.True(earlier is >= 2_000 and < 2_500 && size > 7_000, $"checkpoints at {earlier} and {size} events");
        const long tampered = 2_500; // in the third page of 1,024: pages before it written, more after it than are ever in flight
        await using (var admin = new NpgsqlConnection(api.AdminConnectionString))
        {
            await admin.OpenAsync();
            await TestDatabase.ExecuteAsync(admin,
                "BEGIN; SET LOCAL session_replication_role = replica; " +
                $"UPDATE provenance.events SET data = data || '{{\"rewritten\": true}}' WHERE position = {tampered}; COMMIT");
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var everything = $"/audit-bundles?kind=time-range&from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z&treeSize={size}";
        var problem = await Problems.AssertAsync(await api.Client.GetAsync(everything + "&format=2", timeout.Token), HttpStatusCode.InternalServerError, "integrity-violation");
        // A whole block's proofs are built from its own leaves, so the first event of the block that
        // holds the changed one is the first whose proof no longer leads to the signed root.
        Assert.Contains($"position {((tampered - 1) / 1_024 * 1_024) + 1} does not verify", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Format 3 proves the events together: the whole range no longer folds to the signed root.
        var folded = await Problems.AssertAsync(await api.Client.GetAsync(everything, timeout.Token), HttpStatusCode.InternalServerError, "integrity-violation");
        Assert.Contains("do not fold to the root of the checkpoint", folded.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var before = await api.Client.GetAsync(
            $"/audit-bundles?kind=time-range&from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z&treeSize={earlier}", timeout.Token);
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(earlier.ToString(System.Globalization.CultureInfo.InvariantCulture), before.Headers.GetValues("X-Provenance-Event-Count").Single());
    }
}
