using Npgsql;
using NpgsqlTypes;
using Provenance.Api.Infrastructure.Commands;
using Provenance.Domain.Clearance;
using Provenance.Domain.Datasets;
using Provenance.Domain.Irb;
using Provenance.EventStore;

namespace Provenance.Api.Clearance;

/// <summary>
/// Gathers what the clearance rules judge: the dataset versions asked about and all their
/// ancestors, and every IRB protocol that ever covered one of their datasets.
/// </summary>
internal sealed class ClearanceFactsLoader(Aggregates aggregates, NpgsqlDataSource dataSource, EventStoreOptions options)
{
    private readonly string _coveringProtocols =
        $"SELECT DISTINCT stream_id FROM \"{options.Schema.Replace("\"", "\"\"", StringComparison.Ordinal)}\".events " +
        "WHERE type IN ('irb.protocol-approved', 'irb.protocol-amended') AND data->'terms'->'coveredDatasetIds' ?| @ids";

    public async Task<ClearanceFacts> LoadAsync(IEnumerable<DatasetVersionRef> versions, CancellationToken cancellationToken)
    {
        var datasets = new Dictionary<Guid, Dataset>();
        var pending = new Queue<Guid>(versions.Select(v => v.DatasetId).Distinct());
        while (pending.TryDequeue(out var id))
        {
            if (datasets.ContainsKey(id) || await aggregates.FindDatasetAsync(id, cancellationToken) is not { } dataset)
            {
                continue;
            }

            datasets[id] = dataset;
            foreach (var parent in dataset.Versions.SelectMany(v => v.Parents).Select(p => p.DatasetId).Where(p => !datasets.ContainsKey(p)))
            {
                pending.Enqueue(parent);
            }
        }

        var protocols = new List<IrbProtocol>();
        await using var command = dataSource.CreateCommand(_coveringProtocols);
        command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = datasets.Keys.Select(k => k.ToString()).ToArray() });
        var protocolIds = new List<Guid>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                protocolIds.Add(reader.GetGuid(0));
            }
        }

        foreach (var protocolId in protocolIds)
        {
            protocols.Add((await aggregates.ProtocolAsync(protocolId, cancellationToken)).State);
        }

        return new ClearanceFacts(datasets, protocols);
    }
}
