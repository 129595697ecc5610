using Provenance.Domain.Common;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Provenance.Domain.Datasets.ContributingVersion;
using Provenance.EventStore.Serialization;

namespace Provenance.MicroBenchmarks;

/// <summary>
/// Events to and from their stored JSON through the store's serializer (its type map, its one
/// options instance), against System.Text.Json with the same options and no type map.
/// </summary>
[MemoryDiagnoser]
public class EventSerialization
{
    public static EventSerializer Serializer { get; } = CreateSerializer();

    private byte[] _json = [];
    private string _name = "";

    [GlobalSetup]
    public void Setup()
    {
        var (type, json) = Serializer.Serialize(Samples.Contribution);
        _json = Encoding.UTF8.GetBytes(json);
        _name = type.Name;
    }

    [Benchmark(Baseline = true, Description = "JsonSerializer.Serialize")]
    public string SerializePlain() => JsonSerializer.Serialize(Samples.Contribution, EventJson.Options);

    [Benchmark(Description = "EventSerializer.Serialize")]
    public string Serialize() => Serializer.Serialize(Samples.Contribution).Json;

    [Benchmark(Description = "JsonSerializer.Deserialize (UTF-8)")]
    public object? DeserializePlain() => JsonSerializer.Deserialize<DatasetVersionContributed>(_json, EventJson.Options);

    [Benchmark(Description = "EventSerializer.Deserialize (UTF-8)")]
    public object Deserialize() => Serializer.Deserialize(_name, 1, _json);

    private static EventSerializer CreateSerializer()
    {
        var registry = new EventTypeRegistry();
        foreach (var (type, name, version) in Provenance.Domain.Common.EventCatalog.All)
        {
            registry.Register(type, name, version);
        }

        return new EventSerializer(registry, EventJson.Options);
    }
}
