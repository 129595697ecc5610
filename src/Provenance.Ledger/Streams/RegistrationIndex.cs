using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Provenance.EventStore;

namespace Provenance.Ledger.Streams;

/// <summary>
/// Lists streams by their first event (a registration or approval) straight from the log, in log
/// order, filtered on fields of that event (jsonb containment). Keyset-paged by position, so a
/// page costs the same wherever it starts. Used where no read model is needed (IRB protocols).
/// </summary>
internal sealed class RegistrationIndex(NpgsqlDataSource dataSource, EventStoreOptions options)
{
    private readonly string _events = SqlIdentifier.Qualify(options.Schema, EventStoreTables.Events);

    public async Task<(IReadOnlyList<IndexedStream> Items, long? Next)> ListAsync(
        string eventType, IReadOnlyList<(string Field, object Value)> filters, long after, int limit, CancellationToken cancellationToken)
    {
        var (items, more) = await ListAsync(eventType, filters, new ListOrder("position", false, true), new Keyset(null, after), limit, cancellationToken);
        return (items, more ? items[^1].Position : null);
    }

    /// <summary>
    /// A page of the registrations in <paramref name="order"/>: log position, or a top-level string field
    /// of the registration event's data (named by the order, which the caller has validated) then position.
    /// </summary>
    public async Task<(IReadOnlyList<IndexedStream> Items, bool More)> ListAsync(
        string eventType, IReadOnlyList<(string Field, object Value)> filters, ListOrder order, Keyset? after, int limit, CancellationToken cancellationToken)
    {
        const string key = "(e.data->>@key_field)";
        await using var command = dataSource.CreateCommand(
            $"SELECT e.position, e.stream_id, e.data::text FROM {_events} e " +
            $"WHERE e.type = @type AND {order.After(after, key, "e.position")} AND e.data @> @filter::jsonb ORDER BY {order.OrderBy(key, "e.position")} LIMIT @limit");
        command.Parameters.Add(new NpgsqlParameter<string>("type", eventType));
        command.Parameters.Add(new NpgsqlParameter<string>("key_field", order.Field));
        command.Parameters.Add(new NpgsqlParameter<long>("after_position", after?.Position ?? 0));
        command.Parameters.Add(new NpgsqlParameter("after_key", NpgsqlDbType.Text) { Value = (object?)after?.Key ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter<int>("limit", limit + 1));
        command.Parameters.Add(new NpgsqlParameter("filter", NpgsqlDbType.Text)
        {
            Value = JsonSerializer.Serialize(filters.ToDictionary(f => f.Field, f => f.Value)),
        });
        var items = new List<IndexedStream>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            using var document = JsonDocument.Parse(reader.GetString(2));
            items.Add(new IndexedStream(reader.GetInt64(0), reader.GetGuid(1), document.RootElement.Clone()));
        }

        return items.Count > limit ? (items[..limit], true) : (items, false);
    }
}

internal sealed record IndexedStream(long Position, Guid StreamId, JsonElement Data);
