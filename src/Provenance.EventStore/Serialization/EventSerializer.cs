using System.Text.Json;
using System.Text.Json.Nodes;

namespace Provenance.EventStore.Serialization;

/// <summary>Turns events into stored JSON and back, through the registry's names and upcasters.</summary>
/// <param name="registry">The event type map.</param>
/// <param name="options">The one JSON options instance of the application.</param>
public sealed class EventSerializer(EventTypeRegistry registry, JsonSerializerOptions options)
{
    /// <summary>The registry this serializer uses.</summary>
    public EventTypeRegistry Registry { get; } = registry;

    /// <summary>The JSON options this serializer uses.</summary>
    public JsonSerializerOptions Options { get; } = options;

    /// <summary>The wire name, schema version and JSON of an event.</summary>
    public (EventTypeInfo Type, string Json) Serialize(object @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        var type = Registry.Get(@event.GetType());
        return (type, JsonSerializer.Serialize(@event, type.ClrType, Options));
    }

    /// <summary>The JSON of the metadata.</summary>
    public string SerializeMetadata(EventMetadata metadata) => JsonSerializer.Serialize(metadata, Options);

    /// <summary>The event stored as <paramref name="name"/> at <paramref name="schemaVersion"/>, from its UTF-8 JSON.</summary>
    public object Deserialize(string name, int schemaVersion, ReadOnlySpan<byte> utf8Json)
    {
        var type = Registry.Get(name);
        if (schemaVersion == type.SchemaVersion)
        {
            return JsonSerializer.Deserialize(utf8Json, type.ClrType, Options)
                ?? throw new JsonException($"Stored '{name}' data is null.");
        }

        var node = JsonNode.Parse(utf8Json)?.AsObject() ?? throw new JsonException($"Stored '{name}' data is null.");
        var current = Registry.Upcast(type, schemaVersion, node);
        return current.Deserialize(type.ClrType, Options) ?? throw new JsonException($"Upcast '{name}' data is null.");
    }

    /// <summary>The stored metadata, from its UTF-8 JSON.</summary>
    public EventMetadata DeserializeMetadata(ReadOnlySpan<byte> utf8Json) =>
        JsonSerializer.Deserialize<EventMetadata>(utf8Json, Options) ?? throw new JsonException("Stored metadata is null.");

}
