using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Provenance.EventStore;
using Provenance.Testing;

namespace Provenance.Api.Tests.Hosting;

/// <summary>
/// #14: readiness says whether the instance can write. Appends that keep failing for a reason that is
/// not the caller's make it unready, and it recovers on its own once the cause is gone.
/// </summary>
public sealed class ReadinessTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string AppendBatch =
        "provenance.append_batch(uuid[], text[], bigint[], integer[], text[], bytea[], text[], integer[], uuid[], text[], integer[], jsonb[], jsonb[])";

    [Fact]
    public async Task Appends_that_keep_failing_make_the_instance_unready_until_the_cause_is_gone()
    {
        await using var instance = api.NewInstance(web =>
        {
            web.UseSetting("Provenance:Health:AppendFailureThreshold", "3");
            web.UseSetting("Provenance:Health:AppendRecoverySeconds", "1");
        });
        using var client = api.AdminClientOf(instance);
        using var anonymous = instance.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);

        // The database stops accepting this role's appends: not the caller's doing.
        await AsOwnerAsync($"REVOKE EXECUTE ON FUNCTION {AppendBatch} FROM {TestDatabase.AppRole}");
        for (var i = 0; i < 3; i++)
        {
            using var refused = await client.SendAsync(Requests.Post("/datasets", Requests.ValidDataset($"refused {i}")));
            Assert.Equal(HttpStatusCode.InternalServerError, refused.StatusCode);
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await anonymous.GetAsync("/health/ready")).StatusCode);
        Assert.Contains(api.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("appends are failing: 3 in a row", StringComparison.Ordinal));

        // The cause is removed; with no further failure the instance is ready again on its own.
        await AsOwnerAsync($"GRANT EXECUTE ON FUNCTION {AppendBatch} TO {TestDatabase.AppRole}");
        await Eventually.HoldsAsync(async () => (await anonymous.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK,
            "readiness to recover once appends stop failing");
        using var written = await client.SendAsync(Requests.Post("/datasets", Requests.ValidDataset("written again")));
        Assert.Equal(HttpStatusCode.Created, written.StatusCode);
    }

    [Fact]
    public async Task Refusals_the_caller_earned_never_make_the_instance_unready()
    {
        var client = api.Client;
        for (var i = 0; i < 5; i++)
        {
            using var conflict = await client.SendAsync(Requests.Post("/datasets", Requests.ValidDataset("once"), idempotencyKey: "same-key"));
            using var reused = await client.SendAsync(Requests.Post("/datasets", Requests.ValidDataset($"other {i}"), idempotencyKey: "same-key"));
            Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        }

        Assert.False(api.Service<PostgresEventStore>().Health.Status.Failing);
        Assert.Equal(HttpStatusCode.OK, (await api.Anonymous().GetAsync("/health/ready")).StatusCode);
    }

    private async Task AsOwnerAsync(string sql)
    {
        await using var owner = new NpgsqlConnection(api.OwnerConnectionString);
        await owner.OpenAsync();
        await TestDatabase.ExecuteAsync(owner, sql);
    }
}

/// <summary>
/// #14: a row written into the log around the append function (possible only for the tables' owner
/// now) makes every later append fail on a duplicate position; readiness shows it at once.
/// </summary>
public sealed class RowPastTheHeadTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task A_row_past_the_log_head_makes_the_instance_unready_and_says_why_in_the_log()
    {
        var head = await api.Service<PostgresEventStore>().GetHeadPositionAsync();
        await using (var owner = new NpgsqlConnection(api.OwnerConnectionString))
        {
            await owner.OpenAsync();
            await TestDatabase.ExecuteAsync(owner,
                "INSERT INTO provenance.events (position, id, stream_id, stream_version, type, schema_version, data, metadata, recorded_at) " +
                $"SELECT {head + 2}, gen_random_uuid(), stream_id, 99, type, schema_version, data, metadata, now() FROM provenance.events WHERE position = 1");
        }

        using var ready = await api.Anonymous().GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains(api.Logs.Entries, e => e.Level == LogLevel.Warning &&
            e.Message.Contains($"an event at position {head + 2} past its head at {head}", StringComparison.Ordinal));
    }
}
