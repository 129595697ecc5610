using Microsoft.Extensions.Caching.Memory;
using Provenance.Domain.Datasets.RegisteringDataset;
using Provenance.EventStore;

namespace Provenance.Ledger.Access;

/// <summary>
/// Which institution each dataset belongs to: read from the dataset's registration, its first
/// event, and kept for good (a registration never changes).
/// </summary>
internal sealed class DatasetInstitutions(PostgresEventStore store) : IDisposable
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 100_000 });

    /// <summary>The dataset's source institution, or null when no dataset has this id.</summary>
    public async Task<string?> FindAsync(Guid datasetId, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(datasetId, out string? known))
        {
            return known;
        }

        await foreach (var first in store.ReadStreamAsync(datasetId, maxCount: 1, cancellationToken: cancellationToken))
        {
            if (first.Data is DatasetRegistered registered)
            {
                _cache.Set(datasetId, registered.SourceInstitution, new MemoryCacheEntryOptions { Size = 1 });
                return registered.SourceInstitution;
            }
        }

        return null;
    }

    public void Dispose() => _cache.Dispose();
}
