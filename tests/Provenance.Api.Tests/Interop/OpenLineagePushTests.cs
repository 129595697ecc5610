using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Provenance.Testing;

namespace Provenance.Api.Tests.Interop;

/// <summary>
/// #19: with <c>Provenance:OpenLineage:Url</c> set, derivations and training runs are pushed to an
/// OpenLineage receiver as they are recorded, exactly once across a restart, through a receiver's
/// transient failures, without ever holding up an append. The receiver is a fake on loopback.
/// </summary>
public sealed class OpenLineagePushTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    /// <summary>A fake OpenLineage receiver: answers 503 to the first <c>failures</c> requests, then 201, keeping every event it accepted.</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _failures;

        private Receiver(WebApplication app, int failures) => (_app, _failures) = (app, failures);

        public ConcurrentQueue<JsonObject> Accepted { get; } = new();

        public int Refused { get; private set; }

        public Uri Url { get; private set; } = null!;

        public static async Task<Receiver> StartAsync(int failures)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var receiver = new Receiver(app, failures);
            app.MapPost("/api/v1/lineage", async (HttpRequest request) =>
            {
                if (Interlocked.Decrement(ref receiver._failures) >= 0)
                {
                    receiver.Refused++;
                    return Results.StatusCode(503);
                }

                receiver.Accepted.Enqueue((await JsonNode.ParseAsync(request.Body))!.AsObject());
                return Results.StatusCode(201);
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            receiver.Url = new Uri(new Uri(address), "/api/v1/lineage");
            return receiver;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }

    private WebApplicationFactory<Program> Pusher(Receiver receiver)
    {
        var instance = api.NewInstance(web =>
        {
            web.UseSetting("Provenance:OpenLineage:Url", receiver.Url.ToString());
            web.UseSetting("Provenance:OpenLineage:FirstRetryDelaySeconds", "0.01");
        });
        // The host (and its daemon) starts with its first client.
        using var _ = instance.CreateClient();
        return instance;
    }

    private static async Task CaughtUpAsync(HttpClient admin) =>
        await Eventually.HoldsAsync(async () =>
        {
            var projections = await admin.GetFromJsonAsync<JsonElement>("/admin/projections");
            return projections.EnumerateArray().Any(p => p.GetProperty("name").GetString() == "openlineage-push" && p.GetProperty("lag").GetInt64() == 0);
        }, "the push to reach the log's head", TimeSpan.FromSeconds(30));

    private static string[] Keys(Receiver receiver) =>
        [.. receiver.Accepted.Select(e => $"{e["run"]!["runId"]} {e["eventType"]}").Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Derivations_and_training_runs_reach_the_receiver_exactly_once_across_a_restart_and_its_failures()
    {
        await using var receiver = await Receiver.StartAsync(failures: 2);
        var builder = new LineageBuilder(api);

        // Before the restart: a derivation and a training run (3 events), through two refused requests.
        var raw = await builder.DatasetAsync("pushed raw");
        var curated = await builder.DatasetAsync("pushed curated", (raw, "filter"));
        var first = await builder.ModelTrainedOnAsync([curated]);
        await using (var pusher = Pusher(receiver))
        {
            await Eventually.HoldsAsync(() => Task.FromResult(receiver.Accepted.Count >= 3), "the first three events to arrive", TimeSpan.FromSeconds(30));
            using var admin = api.AdminClientOf(pusher);
            await CaughtUpAsync(admin);
        }

        Assert.Equal(2, receiver.Refused);
        var beforeRestart = Keys(receiver);

        // Written while no pusher runs; a new instance carries on from its checkpoint.
        var other = await builder.DatasetAsync("pushed other", (raw, "labeling"));
        var second = await builder.ModelTrainedOnAsync([other]);
        await using (var pusher = Pusher(receiver))
        {
            using var admin = api.AdminClientOf(pusher);
            await CaughtUpAsync(admin);
        }

        var keys = Keys(receiver);
        Assert.Equal(6, keys.Length);
        Assert.Equal(keys.Length, keys.Distinct().Count());
        Assert.Subset(keys.ToHashSet(), beforeRestart.ToHashSet());
        var custom = await OpenLineageTests.CustomFacetSchemasAsync(api.Anonymous());
        Assert.All(receiver.Accepted, e => Assert.Empty(StandardSchemas.ValidateOpenLineage(e, custom)));

        // The pushed events are, byte for byte, the ones the API answers for those runs: all six of both models' lineages.
        var answered = (await OpenLineageTests.EventsAsync(api.Client, first, "1.0")).Concat(await OpenLineageTests.EventsAsync(api.Client, second, "1.0"))
            .Select(e => e.ToJsonString()).ToHashSet();
        Assert.Equal(answered.Order(StringComparer.Ordinal), receiver.Accepted.Select(e => e.ToJsonString()).Order(StringComparer.Ordinal));
    }
}
