using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Provenance.EventStore;
using Provenance.EventStore.Background;
using Provenance.EventStore.Integrity;
using Provenance.EventStore.Projections;
using Provenance.Ledger;
using Provenance.Ledger.Integrity.Witnessing;

namespace Provenance.Api.Infrastructure.Telemetry;

/// <summary>
/// The ledger's state as gauges: how far each projection and the Merkle tree are behind the log's
/// head, how old the latest checkpoint is, and how old each witness's latest cosignature is. A scrape
/// must not wait on the database, so the values are read every <see cref="TelemetryOptions.SampleInterval"/>
/// and the gauges report the last reading (ages are computed at the scrape).
/// </summary>
internal sealed partial class LedgerGauges : BackgroundService
{
    // The gauges are on the ledger's process-wide meter, like its other instruments: a meter of one
    // host's IMeterFactory, disposed with that host, would end the same-named streams of every other
    // host in the process (tests run several). Each live instance reports its own reading.
    private static readonly ConcurrentDictionary<LedgerGauges, byte> Live = new();

    private readonly PostgresEventStore _store;
    private readonly LogDaemon _daemon;
    private readonly ProjectionRunner _runner;
    private readonly MerkleIntegrator _integrator;
    private readonly CheckpointStore _checkpoints;
    private readonly WitnessPublisher _witnesses;
    private readonly TimeProvider _clock;
    private readonly IOptions<TelemetryOptions> _options;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger<LedgerGauges> _logger;
    private volatile Reading? _reading;
    private CancellationTokenRegistration _started;

    static LedgerGauges()
    {
        LedgerTelemetry.Meter.CreateObservableGauge("provenance.projection.lag", () => Live.Keys.SelectMany(g => g.ProjectionLag()), "{event}",
            "Log events not yet applied by each projection (inline and asynchronous).");
        LedgerTelemetry.Meter.CreateObservableGauge("provenance.integrator.lag", () => Live.Keys.SelectMany(g => g.IntegratorLag()), "{event}",
            "Log events not yet integrated into the Merkle tree.");
        LedgerTelemetry.Meter.CreateObservableGauge("provenance.checkpoint.age", () => Live.Keys.SelectMany(g => g.CheckpointAge()), "s",
            "Time since the latest checkpoint was signed.");
        LedgerTelemetry.Meter.CreateObservableGauge("provenance.witness.cosignature.age", () => Live.Keys.SelectMany(g => g.CosignatureAge()), "s",
            "Time since each configured witness last cosigned a checkpoint submitted by this instance.");
    }

    public LedgerGauges(
        PostgresEventStore store, LogDaemon daemon, ProjectionRunner runner, MerkleIntegrator integrator,
        CheckpointStore checkpoints, WitnessPublisher witnesses, TimeProvider clock, IOptions<TelemetryOptions> options,
        IHostApplicationLifetime lifetime, ILogger<LedgerGauges> logger)
    {
        _store = store;
        _daemon = daemon;
        _runner = runner;
        _integrator = integrator;
        _checkpoints = checkpoints;
        _witnesses = witnesses;
        _clock = clock;
        _options = options;
        _lifetime = lifetime;
        _logger = logger;
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Reported once the instance serves: an instance whose start-up fails after this service started
        // is never stopped, and its stale reading would stand beside (or instead of) the live one's.
        _started = _lifetime.ApplicationStarted.Register(() => Live.TryAdd(this, 0));
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        Live.TryRemove(this, out _);
        await _started.DisposeAsync();
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        Live.TryRemove(this, out _);
        _started.Dispose();
        base.Dispose();
    }

    /// <summary>How many instances in this process report their gauges (tests check that a failed start leaves none behind).</summary>
    internal static int LiveInstances => Live.Count;

    /// <summary>Reads the state now (the loop does this every interval; tests call it to skip the wait).</summary>
    public async Task SampleAsync(CancellationToken cancellationToken)
    {
        var head = await _store.GetHeadPositionAsync(cancellationToken);
        var lags = new List<Measurement<long>>();
        var projections = _store.InlineProjections.Concat(_daemon.Followers.OfType<ProjectionFollower>().Select(f => f.Projection));
        foreach (var projection in projections)
        {
            var checkpoint = await _runner.GetCheckpointAsync(projection.Name, cancellationToken);
            lags.Add(new Measurement<long>(Math.Max(0, head - checkpoint), new KeyValuePair<string, object?>("provenance.projection", projection.Name)));
        }

        var tree = await _integrator.GetTreeHeadAsync(cancellationToken);
        var latest = await _checkpoints.GetLatestAsync(cancellationToken);
        _reading = new Reading(lags, Math.Max(0, head - tree.Size), latest?.SignedAt);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SampleAsync(stoppingToken);
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException or InvalidOperationException)
            {
                // The readiness probe reports an unreachable database; the gauges keep their last reading.
                LogSampleFailed(_logger, e.Message);
            }

            await Task.Delay(_options.Value.SampleInterval, _clock, stoppingToken);
        }
    }

    private IEnumerable<Measurement<long>> ProjectionLag() => _reading?.ProjectionLags ?? [];

    private IEnumerable<Measurement<long>> IntegratorLag() =>
        _reading is { } reading ? [new Measurement<long>(reading.IntegratorLag)] : [];

    private IEnumerable<Measurement<double>> CheckpointAge() =>
        _reading?.LatestCheckpoint is { } signed ? [new Measurement<double>(Seconds(signed))] : [];

    private IEnumerable<Measurement<double>> CosignatureAge() => _witnesses.Statuses
        .Where(w => w.LastCosignedAt is not null)
        .Select(w => new Measurement<double>(Seconds(w.LastCosignedAt!.Value), new KeyValuePair<string, object?>("provenance.witness", w.Witness.Name)));

    private double Seconds(DateTimeOffset since) => Math.Max(0, (_clock.GetUtcNow() - since).TotalSeconds);

    [LoggerMessage(LogLevel.Warning, "Could not read the ledger's state for its gauges: {Reason}")]
    private static partial void LogSampleFailed(ILogger logger, string reason);

    private sealed record Reading(IReadOnlyList<Measurement<long>> ProjectionLags, long IntegratorLag, DateTimeOffset? LatestCheckpoint);
}
