using System.Text.Json.Nodes;

namespace Provenance.EventStore.Serialization;

/// <summary>
/// The explicit map between CLR event types and their stable wire names and schema versions,
/// plus the upcasters that lift stored data from older schema versions. Renaming a CLR type
/// changes nothing on disk; renaming a wire name is never done.
/// </summary>
public sealed class EventTypeRegistry
{
    private readonly Dictionary<Type, EventTypeInfo> _byClrType = [];
    private readonly Dictionary<string, EventTypeInfo> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Name, int FromVersion), Func<JsonObject, JsonObject>> _upcasters = [];

    /// <summary>All registered event types.</summary>
    public IEnumerable<EventTypeInfo> Types => _byName.Values;

    /// <summary>Registers <paramref name="clrType"/> under <paramref name="name"/> at its current schema version.</summary>
    public EventTypeRegistry Register(Type clrType, string name, int schemaVersion)
    {
        ArgumentNullException.ThrowIfNull(clrType);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(schemaVersion, 1);
        if (_byName.ContainsKey(name))
        {
            throw new InvalidOperationException($"The event type name '{name}' is registered twice.");
        }

        if (_byClrType.ContainsKey(clrType))
        {
            throw new InvalidOperationException($"The CLR type {clrType.Name} is registered twice.");
        }

        var info = new EventTypeInfo(clrType, name, schemaVersion);
        _byClrType.Add(clrType, info);
        _byName.Add(name, info);
        return this;
    }

    /// <summary>
    /// Registers how to lift data of <paramref name="name"/> stored at <paramref name="fromVersion"/>
    /// to <paramref name="fromVersion"/> + 1. Chains run in order up to the current version.
    /// </summary>
    public EventTypeRegistry AddUpcaster(string name, int fromVersion, Func<JsonObject, JsonObject> upcast)
    {
        ArgumentNullException.ThrowIfNull(upcast);
        _upcasters.Add((name, fromVersion), upcast);
        return this;
    }

    /// <summary>The registration of a CLR type.</summary>
    public EventTypeInfo Get(Type clrType) =>
        _byClrType.TryGetValue(clrType, out var info)
            ? info
            : throw new InvalidOperationException($"The CLR type {clrType.Name} is not a registered event type.");

    /// <summary>The registration of a wire name.</summary>
    public EventTypeInfo Get(string name) =>
        _byName.TryGetValue(name, out var info) ? info : throw new UnknownEventTypeException(name);

    /// <summary>Lifts <paramref name="data"/> stored at <paramref name="storedVersion"/> to the current version.</summary>
    public JsonObject Upcast(EventTypeInfo type, int storedVersion, JsonObject data)
    {
        ArgumentNullException.ThrowIfNull(type);
        for (var version = storedVersion; version < type.SchemaVersion; version++)
        {
            if (!_upcasters.TryGetValue((type.Name, version), out var upcast))
            {
                throw new InvalidOperationException(
                    $"No upcaster lifts '{type.Name}' from schema version {version} to {version + 1}.");
            }

            data = upcast(data);
        }

        return data;
    }
}

/// <summary>One registered event type.</summary>
/// <param name="ClrType">The CLR record.</param>
/// <param name="Name">The stable wire name.</param>
/// <param name="SchemaVersion">The current schema version new events are written with.</param>
public sealed record EventTypeInfo(Type ClrType, string Name, int SchemaVersion);
