using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Provenance.Domain.Clearance;
using Provenance.Domain.Common;
using Provenance.EventStore;
using Provenance.Ledger.Clearance;
using Provenance.Ledger.Lineage;

namespace Provenance.Ledger.Workspace.GettingOverview;

/// <summary>
/// How many dataset versions the ledger at <see cref="Position"/> held, and how many of them the clearance
/// rules clear for training on <see cref="Day"/> (non-commercial use); the rest counted under each finding
/// code that holds them back (a version with two findings counts under both).
/// </summary>
public sealed record VersionClearanceTally(
    long Position, DateOnly Day, DateTimeOffset ComputedAt, double Seconds, long Versions, long Cleared, IReadOnlyDictionary<string, long> NotClearedBy);

/// <summary>The overview's clearance tally (<c>Provenance:Workspace</c>).</summary>
internal sealed class WorkspaceOptions
{
    public const string Section = "Provenance:Workspace";

    /// <summary>
    /// The longest the tally of today waits before it is brought up to the log's head, when that moved or the
    /// day changed (default 15 minutes). It waits less on a small ledger: twenty times what the last tally took.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan TallyInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Datasets judged per batch: bounds the memory one batch's folds take.</summary>
    [Range(10, 100_000)]
    public int TallyBatch { get; set; } = 1_000;

    /// <summary>The shortest wait between two tallies (default one second); at most <see cref="TallyInterval"/> is waited whatever this says.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan TallyMinimumWait { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// Judges every dataset version of the ledger at a position with the one clearance function, a batch of
/// datasets at a time (their versions, their ancestors and the protocols that covered them, folded at
/// that position), so memory stays bounded whatever the ledger's size. Judging all of them costs a fold
/// of most of the log (seconds at 1,000,000 events), so the tally of today is kept up to date in the
/// background (<see cref="ClearanceTallyService"/>, into <see cref="LatestClearanceTally"/>) and the overview shows the latest one with the
/// position and time it was computed at; a tally as of a past instant is computed for its request.
/// </summary>
internal sealed class ClearanceTallies(
    NpgsqlDataSource dataSource, EventStoreOptions options, LineageReader reader, ClearanceFactsLoader facts, IOptions<WorkspaceOptions> settings, TimeProvider clock)
{
    private readonly string _events = SqlIdentifier.Qualify(options.Schema, EventStoreTables.Events);

    public async Task<VersionClearanceTally> ComputeAsync(long position, DateOnly day, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var datasets = await DatasetIdsAsync(position, cancellationToken);
        long versions = 0, cleared = 0;
        var notClearedBy = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var batch in datasets.Chunk(settings.Value.TallyBatch))
        {
            var refs = await reader.VersionsOfAsync(batch, position, cancellationToken);
            if (refs.Count == 0)
            {
                continue;
            }

            var known = await facts.LoadAsync(refs, cancellationToken, position, rememberDatasets: false);
            foreach (var version in refs)
            {
                versions++;
                var result = ClearanceRules.Evaluate(version, day, false, known);
                if (result.Cleared)
                {
                    cleared++;
                    continue;
                }

                foreach (var code in result.Findings.Select(f => f.Code).Distinct())
                {
                    notClearedBy[code] = notClearedBy.GetValueOrDefault(code) + 1;
                }
            }
        }

        return new VersionClearanceTally(position, day, clock.GetUtcNow(), Math.Round(watch.Elapsed.TotalSeconds, 3), versions, cleared, notClearedBy);
    }

    private async Task<List<Guid>> DatasetIdsAsync(long position, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT stream_id FROM {_events} WHERE type = @type AND position <= @at ORDER BY position");
        command.Parameters.Add(new NpgsqlParameter<string>("type", EventCatalog.NameOf<Domain.Datasets.RegisteringDataset.DatasetRegistered>()));
        command.Parameters.Add(new NpgsqlParameter<long>("at", position));
        var ids = new List<Guid>();
        await using var rows = await command.ExecuteReaderAsync(cancellationToken);
        while (await rows.ReadAsync(cancellationToken))
        {
            ids.Add(rows.GetGuid(0));
        }

        return ids;
    }
}

/// <summary>The latest tally of the log's head, kept for the overview (null until the first is computed).</summary>
internal sealed class LatestClearanceTally
{
    private VersionClearanceTally? _latest;

    public VersionClearanceTally? Value => Volatile.Read(ref _latest);

    public void Keep(VersionClearanceTally tally) => Volatile.Write(ref _latest, tally);
}

/// <summary>
/// Keeps <see cref="LatestClearanceTally"/> at the log's head and today: after each tally it waits twenty
/// times what the tally took (at least <see cref="WorkspaceOptions.TallyMinimumWait"/>), and never longer than
/// <see cref="WorkspaceOptions.TallyInterval"/>.
/// </summary>
internal sealed partial class ClearanceTallyService(
    LatestClearanceTally latest, IServiceScopeFactory scopes, PostgresEventStore store, IOptions<WorkspaceOptions> settings, TimeProvider clock,
    ILogger<ClearanceTallyService> logger)
    : BackgroundService
{
    /// <summary>Tallies cost at most one twentieth of a core: after one that took s seconds, the next waits at least 20 s (and TallyMinimumWait at least).</summary>
    private const double DutyFactor = 20;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var head = await store.GetHeadPositionAsync(stoppingToken);
                var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
                if (latest.Value is not { } kept || kept.Position != head || kept.Day != today)
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var tally = await scope.ServiceProvider.GetRequiredService<ClearanceTallies>().ComputeAsync(head, today, stoppingToken);
                    latest.Keep(tally);
                    Tallied(logger, tally.Versions, tally.Position, tally.Seconds);
                }
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
            {
                Failed(logger, e.GetType().Name);
            }

            // A small ledger's tally follows the head within seconds; a large one's, at most every TallyInterval.
            var wait = TimeSpan.FromSeconds(Math.Max(settings.Value.TallyMinimumWait.TotalSeconds, DutyFactor * (latest.Value?.Seconds ?? 0)));
            await Task.Delay(wait < settings.Value.TallyInterval ? wait : settings.Value.TallyInterval, clock, stoppingToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(LogLevel.Information, "Judged the clearance of {Versions} dataset version(s) at log position {Position} in {Seconds} s for the overview")]
    private static partial void Tallied(ILogger logger, long versions, long position, double seconds);

    [LoggerMessage(LogLevel.Warning, "The overview's clearance tally failed ({Reason}); it is tried again at the next interval")]
    private static partial void Failed(ILogger logger, string reason);
}
