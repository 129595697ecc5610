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
        await using var command = dataSource.CreateCommand(
            $"SELECT e.position, e.stream_id, e.data::text FROM {_events} e " +
            "WHERE e.type = @type AND e.position > @after AND e.data @> @filter::jsonb ORDER BY e.position LIMIT @limit");
        command.Parameters.Add(new NpgsqlParameter<string>("type", eventType));
        command.Parameters.Add(new NpgsqlParameter<long>("after", after));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", limit + 1));
        command.Parameters.Add(new NpgsqlParameter("filter", NpgsqlDbType.Text)
        {
            Value = JsonSerializer.Serialize(filters.ToDictionary(f => f.Field, f => f.Value)),
        });
        var items = new List<IndexedStream>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new IndexedStream(reader.GetInt64(0), reader.GetGuid(1), JsonDocument.Parse(reader.GetString(2)).RootElement.Clone()));
        }

        return items.Count > limit ? (items[..limit], items[limit - 1].Position) : (items, null);
    }
}

internal sealed record IndexedStream(long Position, Guid StreamId, JsonElement Data);
