using System.Net.Http.Json;
using System.Text.Json;
using Provenance.Domain.Common;
using Provenance.Domain.Datasets;
using Provenance.Domain.Irb;
using Provenance.Domain.Models;
using Provenance.EventStore;
using Provenance.Scenarios;

namespace Provenance.Api.Tests.Scenarios;

/// <summary>The benchmarks' scenario generator: deterministic, valid, and loadable through the service's own store.</summary>
public sealed class ScenarioTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly FlagshipShape Small = new(4, 3);

    [Fact]
    public void The_same_seed_and_size_give_the_same_events_and_another_seed_does_not()
    {
        static string Serialize(int seed) => JsonSerializer.Serialize(
            new ScenarioGenerator(seed, 3_000, Small).Generate().Select(a => new { a.StreamId, a.ExpectedVersion, Events = a.Events.Select(e => (e.GetType().Name, e)) }),
            ApiFixture.Json);

        Assert.Equal(Serialize(7), Serialize(7));
        Assert.NotEqual(Serialize(7), Serialize(8));
    }

    [Fact]
    public void Every_stream_folds_and_every_event_kind_of_a_busy_ledger_is_known_to_the_catalog()
    {
        var generator = new ScenarioGenerator(11, 20_000, Small);
        var streams = new Dictionary<Guid, (string Type, List<object> Events)>();
        foreach (var append in generator.Generate())
        {
            var stream = streams.TryGetValue(append.StreamId, out var s) ? s : streams[append.StreamId] = (append.StreamType, []);
            Assert.Equal(stream.Events.Count, append.ExpectedVersion);
            stream.Events.AddRange(append.Events);
        }

        Assert.InRange(generator.EventCount, 20_000, 21_000);
        var known = EventCatalog.All.Select(e => e.ClrType).ToHashSet();
        var kinds = streams.Values.SelectMany(s => s.Events).Select(e => e.GetType()).ToHashSet();
        Assert.Subset(known, kinds);
        // Realistic variety: not only registrations and contributions.
        Assert.True(kinds.Count >= 12, $"only {kinds.Count} kinds of event");
        foreach (var (type, events) in streams.Values)
        {
            Assert.NotNull(type switch
            {
                StreamTypes.Dataset => (object?)Dataset.Fold(events),
                StreamTypes.IrbProtocol => IrbProtocol.Fold(events),
                StreamTypes.Model => Model.Fold(events),
                _ => null,
            });
        }
    }

    [Fact]
    public async Task A_loaded_scenario_answers_the_flagship_lineage_with_every_version_cleared_at_training()
    {
        var generator = new ScenarioGenerator(5, 4_000, Small);
        var store = api.Service<PostgresEventStore>();
        var metadata = new EventMetadata("scenario-generator", "admin", "scenario-test");
        foreach (var append in generator.Generate())
        {
            await append.AppendToAsync(store, metadata);
        }

        var lineage = await api.Client.GetFromJsonAsync<JsonElement>(
            $"/models/{generator.FlagshipModelId}/versions/{ScenarioGenerator.FlagshipModelVersion}/lineage", ApiFixture.Json);
        var versions = lineage.GetProperty("nodes").EnumerateArray().Where(n => n.GetProperty("kind").GetString() == "dataset-version").ToList();
        Assert.Equal(Small.Versions, versions.Count);
        Assert.All(versions, v => Assert.True(v.GetProperty("clearanceAtTraining")[0].GetProperty("cleared").GetBoolean(), v.ToString()));
        var edges = lineage.GetProperty("edges").EnumerateArray().ToList();
        Assert.Equal(Small.Versions, edges.Count(e => e.GetProperty("relation").GetString() == "used"));
        Assert.Equal(Small.Chains * (Small.Depth - 1), edges.Count(e => e.GetProperty("relation").GetString() == "was-derived-from"));
    }
}
