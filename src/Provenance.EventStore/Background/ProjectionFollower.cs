using Provenance.EventStore.Projections;

namespace Provenance.EventStore.Background;

/// <summary>An asynchronous projection as a <see cref="ILogFollower"/>: each batch applies the next events after its checkpoint.</summary>
public sealed class ProjectionFollower : ILogFollower
{
    private readonly ProjectionRunner _runner;
    private readonly int _batchSize;

    /// <summary>Follows the log for <paramref name="projection"/>, <paramref name="batchSize"/> events at most per batch.</summary>
    public ProjectionFollower(IProjection projection, ProjectionRunner runner, int batchSize = 1_000, TimeSpan? gather = null)
    {
        ArgumentNullException.ThrowIfNull(projection);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        Projection = projection;
        _runner = runner;
        _batchSize = Math.Min(batchSize, projection.MaxBatch ?? batchSize);
        Gather = gather ?? TimeSpan.FromMilliseconds(20);
    }

    /// <summary>The projection followed.</summary>
    public IProjection Projection { get; }

    /// <inheritdoc />
    public string Name => Projection.Name;

    /// <inheritdoc />
    public TimeSpan Gather { get; }

    /// <inheritdoc />
    public async Task<bool> RunOnceAsync(CancellationToken cancellationToken)
    {
        using var activity = EventStoreTelemetry.Source.StartActivity("provenance.projection.batch");
        activity?.SetTag("provenance.projection", Name);
        var applied = await _runner.CatchUpOnceAsync(Projection, _batchSize, cancellationToken).ConfigureAwait(false);
        activity?.SetTag("provenance.batch.events", applied);
        EventStoreTelemetry.FollowerBatchSize.Record(applied, new KeyValuePair<string, object?>("provenance.follower", Name));
        return applied == _batchSize;
    }

    /// <inheritdoc />
    public Task<long> GetPositionAsync(CancellationToken cancellationToken) => _runner.GetCheckpointAsync(Projection.Name, cancellationToken);
}
