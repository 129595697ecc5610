using Provenance.Ledger.Infrastructure.Problems;
using Provenance.Domain.Common;
using Provenance.Domain.Datasets;
using Provenance.Domain.Irb;
using Provenance.Domain.Models;
using Provenance.EventStore;
using Provenance.Ledger.Streams;

namespace Provenance.Ledger.Infrastructure.Commands;

/// <summary>
/// Loads a stream's state, current or as of an instant, for commands and reads alike; a missing
/// stream (or one of another kind) is a 404. Every fold goes through <see cref="StreamStates"/>
/// (#15: one folding path), so a state folded once is reused by whoever asks for that version next.
/// </summary>
internal sealed class Aggregates(PostgresEventStore store, StreamStates states)
{
    public Task<Loaded<Dataset>> DatasetAsync(Guid id, CancellationToken cancellationToken, DateTimeOffset? asOf = null) =>
        LoadAsync("dataset", StreamTypes.Dataset, id, Dataset.Fold, asOf, cancellationToken);

    /// <summary>A dataset as the ledger stood at a log position (a 404 when it did not exist then).</summary>
    public async Task<Loaded<Dataset>> DatasetAtAsync(Guid id, long position, CancellationToken cancellationToken)
    {
        var stream = await store.GetStreamAsync(id, cancellationToken);
        if (stream is null || stream.StreamType != StreamTypes.Dataset)
        {
            throw new NotFoundException("dataset", id);
        }

        var set = await states.LoadSetAsync([id], position, Dataset.Fold, cancellationToken);
        return set.States.TryGetValue(id, out var state) ? new Loaded<Dataset>(state, set.Versions[id]) : throw new NotFoundException("dataset", id);
    }

    public Task<Loaded<IrbProtocol>> ProtocolAsync(Guid id, CancellationToken cancellationToken, DateTimeOffset? asOf = null) =>
        LoadAsync("IRB protocol", StreamTypes.IrbProtocol, id, IrbProtocol.Fold, asOf, cancellationToken);

    public Task<Loaded<Domain.Access.ApiKey>> ApiKeyAsync(Guid id, CancellationToken cancellationToken) =>
        LoadAsync("API key", StreamTypes.ApiKey, id, Domain.Access.ApiKey.Fold, null, cancellationToken);

    public Task<Loaded<Model>> ModelAsync(Guid id, CancellationToken cancellationToken, DateTimeOffset? asOf = null) =>
        LoadAsync("model", StreamTypes.Model, id, Model.Fold, asOf, cancellationToken);

    /// <summary>
    /// The states of those of <paramref name="ids"/> that are datasets, in two round trips whatever
    /// their number (for rules that report unknown ids themselves).
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, Dataset>> DatasetsAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        var datasets = await ExistingDatasetIdsAsync(ids, cancellationToken);
        return await states.LoadAsync(datasets, await store.GetHeadPositionAsync(cancellationToken), Dataset.Fold, cancellationToken);
    }

    /// <summary>Which of <paramref name="ids"/> are datasets: one read of the streams table.</summary>
    public async Task<HashSet<Guid>> ExistingDatasetIdsAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken) =>
        (await store.GetStreamsAsync(ids, cancellationToken)).Where(s => s.StreamType == StreamTypes.Dataset).Select(s => s.StreamId).ToHashSet();

    /// <summary>Which of <paramref name="ids"/> are streams of <paramref name="streamType"/>: one read of the streams table.</summary>
    public async Task<HashSet<Guid>> StreamsOfTypeAsync(IReadOnlyCollection<Guid> ids, string streamType, CancellationToken cancellationToken) =>
        (await store.GetStreamsAsync(ids, cancellationToken)).Where(s => s.StreamType == streamType).Select(s => s.StreamId).ToHashSet();

    /// <summary>Throws the 404 when <paramref name="id"/> is not a dataset; reads only its header.</summary>
    public async Task EnsureDatasetAsync(Guid id, CancellationToken cancellationToken)
    {
        if ((await ExistingDatasetIdsAsync([id], cancellationToken)).Count == 0)
        {
            throw new NotFoundException("dataset", id);
        }
    }

    private async Task<Loaded<T>> LoadAsync<T>(
        string resource, string streamType, Guid id, Func<IEnumerable<object>, T?> fold, DateTimeOffset? asOf, CancellationToken cancellationToken)
        where T : class
    {
        var stream = await store.GetStreamAsync(id, cancellationToken);
        if (stream is null || stream.StreamType != streamType)
        {
            throw new NotFoundException(resource, id);
        }

        if (asOf is not { } at)
        {
            var current = await states.LoadAtVersionAsync(id, stream.Version, fold, cancellationToken) ?? throw new NotFoundException(resource, id);
            return new Loaded<T>(current, stream.Version);
        }

        // As of an instant: the log's recorded_at never decreases, so the stream as of then is the stream up to that position.
        var set = await states.LoadSetAsync([id], await store.GetPositionAsOfAsync(at, cancellationToken), fold, cancellationToken);
        return set.States.TryGetValue(id, out var state) ? new Loaded<T>(state, set.Versions[id]) : throw new NotFoundException(resource, id);
    }
}

/// <summary>A folded state and the stream version it was folded up to (its ETag).</summary>
internal sealed record Loaded<T>(T State, long Version);
