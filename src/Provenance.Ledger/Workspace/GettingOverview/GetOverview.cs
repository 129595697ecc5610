using System.Globalization;
using System.Text.Json;
using MediatR;
using Npgsql;
using Provenance.Domain.Common;
using Provenance.Domain.Datasets;
using Provenance.Domain.Irb;
using Provenance.EventStore;
using Provenance.Domain.Models;
using Provenance.Ledger.Lineage;
using Provenance.Ledger.Models.ReviewingChangeControl;
using Provenance.Ledger.Streams;

namespace Provenance.Ledger.Workspace.GettingOverview;

/// <summary>How much the ledger holds, as of a position.</summary>
public sealed record OverviewCounts(long Datasets, long DatasetVersions, long Models, long ModelVersions, long IrbProtocols, long Events);

/// <summary>
/// One thing a compliance officer should look at, in plain words, with the ledger objects it is about
/// (each null when it does not apply) and, for an approval or a license, the day it is due.
/// </summary>
public sealed record AttentionItem(
    string Kind, string Text, DateOnly? Due, int? WithinDays, Guid? DatasetId, int? DatasetVersion, string? DatasetName,
    Guid? ProtocolId, string? ProtocolNumber, Guid? ModelId, string? ModelName, string? ModelVersion);

/// <summary>
/// The workspace's overview (#21): counts, dataset versions by clearance on the day (null while the first
/// tally of the log's head is being computed), and what needs attention on the day.
/// </summary>
public sealed record Overview(LineageAsOf AsOf, DateOnly Day, OverviewCounts Counts, VersionClearanceTally? Clearance, IReadOnlyList<AttentionItem> Attention);

internal sealed record GetOverviewQuery(DateTimeOffset? AsOf) : IRequest<Overview>;

/// <summary>
/// The counts come from the log's own index of event types, bounded by the position of the as-of
/// instant. What needs attention, judged on that instant's day (default today):
/// <list type="bullet">
/// <item>each consent withdrawal that reaches a released model version (through the version it names or
/// anything derived from it);</item>
/// <item>each IRB protocol active on the day whose approval expires within 90 days (bucketed 30, 60, 90);</item>
/// <item>each license terminated by the day, or expiring within 90 days, on a dataset whose versions (or
/// what derives from them) a released model version was trained on;</item>
/// <item>each version of a marketed device whose change-control review (#18) finds it outside the
/// authorization and its PCCP;</item>
/// <item>each monitoring finding recorded on a model version (the ledger records no resolution of one).</item>
/// </list>
/// It scales with what needs attention, not with the ledger: the log's type index picks the few events
/// that could matter (an expiry date inside the horizon, a termination by the day, a withdrawal, a
/// device status), only their streams are folded and judged by the domain's own rules, and what each
/// reaches downstream is walked once for all of them together.
/// </summary>
internal sealed class HandleGetOverview(
    NpgsqlDataSource dataSource, EventStoreOptions options, PostgresEventStore store, StreamStates states, LineageReader reader,
    ChangeControlReviewer changeControl, ClearanceTallies tallies, LatestClearanceTally latest, TimeProvider clock)
    : IRequestHandler<GetOverviewQuery, Overview>
{
    private static readonly int[] Horizons = [30, 60, 90];
    private static readonly string Released = Names.Of(ModelVersionStatus.Released);
    private readonly string _events = SqlIdentifier.Qualify(options.Schema, EventStoreTables.Events);

    public async Task<Overview> Handle(GetOverviewQuery request, CancellationToken cancellationToken)
    {
        var position = request.AsOf is { } at ? await store.GetPositionAsOfAsync(at, cancellationToken) : await store.GetHeadPositionAsync(cancellationToken);
        var day = DateOnly.FromDateTime((request.AsOf ?? clock.GetUtcNow()).UtcDateTime);
        var counts = await CountAsync(position, cancellationToken);
        var attention = new List<AttentionItem>();
        attention.AddRange(await WithdrawalsAndLicensesAsync(position, day, cancellationToken));
        attention.AddRange(await ProtocolsAsync(position, day, cancellationToken));
        attention.AddRange(await DevicesAsync(position, day, cancellationToken));
        attention.AddRange(await FindingsAsync(position, cancellationToken));
        // Today's tally comes from the background (the latest of the head: it may trail the head by the
        // interval, and says where it stands); one as of a past instant is computed for this request.
        var clearance = request.AsOf is null ? latest.Value : await tallies.ComputeAsync(position, day, cancellationToken);
        return new Overview(new LineageAsOf(request.AsOf, position), day, counts, clearance, attention);
    }

    private static NpgsqlParameter<string> Type<T>(string name) => new(name, EventCatalog.NameOf<T>());

    private async Task<OverviewCounts> CountAsync(long position, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT (SELECT count(*) FROM {_events} WHERE type = @datasets AND position <= @at), " +
            $"(SELECT count(*) FROM {_events} WHERE type = @versions AND position <= @at), " +
            $"(SELECT count(*) FROM {_events} WHERE type = @models AND position <= @at), " +
            $"(SELECT count(DISTINCT (stream_id, data->>'modelVersion')) FROM {_events} WHERE type = @runs AND position <= @at), " +
            $"(SELECT count(*) FROM {_events} WHERE type = @protocols AND position <= @at)");
        command.Parameters.Add(Type<Domain.Datasets.RegisteringDataset.DatasetRegistered>("datasets"));
        command.Parameters.Add(Type<Domain.Datasets.ContributingVersion.DatasetVersionContributed>("versions"));
        command.Parameters.Add(Type<ModelRegistered>("models"));
        command.Parameters.Add(Type<TrainingRunRecorded>("runs"));
        command.Parameters.Add(Type<IrbProtocolApproved>("protocols"));
        command.Parameters.Add(new NpgsqlParameter<long>("at", position));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new OverviewCounts(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), position);
    }

    /// <summary>The data of every event of a type up to a position, with its stream, in log order.</summary>
    private async Task<List<(Guid Stream, JsonElement Data)>> EventsAsync(string type, long position, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT stream_id, data::text FROM {_events} WHERE type = @type AND position <= @at ORDER BY position");
        command.Parameters.Add(new NpgsqlParameter<string>("type", type));
        command.Parameters.Add(new NpgsqlParameter<long>("at", position));
        var rows = new List<(Guid, JsonElement)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            using var document = JsonDocument.Parse(reader.GetString(1));
            rows.Add((reader.GetGuid(0), document.RootElement.Clone()));
        }

        return rows;
    }

    /// <summary>
    /// The streams with an event of one of <paramref name="types"/> up to a position whose date at
    /// <paramref name="path"/> (ISO dates compare as text) lies in [from, to]: a superset of the streams
    /// the fold could find due, so that only those are folded.
    /// </summary>
    private async Task<List<Guid>> StreamsDatedAsync(string[] types, string[] path, DateOnly? from, DateOnly to, long position, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT DISTINCT stream_id FROM {_events} WHERE type = ANY(@types) AND position <= @at " +
            "AND (data #>> @path) <= @to AND (@from::text IS NULL OR (data #>> @path) >= @from)");
        command.Parameters.Add(new NpgsqlParameter<string[]>("types", types));
        command.Parameters.Add(new NpgsqlParameter<string[]>("path", path));
        command.Parameters.Add(new NpgsqlParameter<string?>("from", from?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        command.Parameters.Add(new NpgsqlParameter<string>("to", to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        command.Parameters.Add(new NpgsqlParameter<long>("at", position));
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    /// <summary>
    /// The released model versions each start reaches (through the version itself or anything derived
    /// from it), walked once for all starts: the derivations below them, the runs that used any version
    /// reached, and the models those runs belong to, folded at the position.
    /// </summary>
    private async Task<Dictionary<DatasetVersionRef, List<(Guid ModelId, string Name, string Version)>>> ReleasedReachedAsync(
        IReadOnlyCollection<DatasetVersionRef> starts, long position, CancellationToken cancellationToken)
    {
        var reached = starts.Distinct().ToDictionary(s => s, _ => new List<(Guid, string, string)>());
        if (reached.Count == 0)
        {
            return reached;
        }

        var derivations = await reader.DownstreamAsync(reached.Keys, position, cancellationToken);
        var children = derivations.ToLookup(d => d.Parent, d => d.Child);
        var below = reached.Keys.ToDictionary(s => s, s =>
        {
            var seen = new HashSet<DatasetVersionRef> { s };
            var queue = new Queue<DatasetVersionRef>([s]);
            while (queue.TryDequeue(out var next))
            {
                foreach (var child in children[next].Where(seen.Add))
                {
                    queue.Enqueue(child);
                }
            }

            return seen;
        });
        var versions = below.Values.SelectMany(v => v).ToHashSet();
        var runs = await reader.RunsUsingAsync(versions, position, cancellationToken);
        if (runs.Count == 0)
        {
            return reached;
        }

        var models = await states.LoadAsync(runs.Select(r => r.ModelId).Distinct().ToList(), position, Model.Fold, cancellationToken);
        var releasedRuns = runs.Where(r => models.GetValueOrDefault(r.ModelId)?.Version(r.ModelVersion)?.Status == ModelVersionStatus.Released)
            .ToDictionary(r => r.RunId);
        // Each version's released runs, so each start unions over what it reaches (not runs × inputs per start).
        var runsOf = (await reader.InputsAsync(releasedRuns.Keys.ToList(), position, cancellationToken)).ToLookup(i => i.Version, i => releasedRuns[i.RunId]);
        foreach (var (start, set) in below)
        {
            reached[start].AddRange(set.SelectMany(v => runsOf[v])
                .Select(r => (r.ModelId, models[r.ModelId].Registration.Name, r.ModelVersion))
                .Distinct()
                .OrderBy(m => m.Name, StringComparer.Ordinal).ThenBy(m => m.ModelVersion, StringComparer.Ordinal));
        }

        return reached;
    }

    private async Task<IEnumerable<AttentionItem>> WithdrawalsAndLicensesAsync(long position, DateOnly day, CancellationToken cancellationToken)
    {
        var withdrawals = (await EventsAsync(EventCatalog.NameOf<Domain.Consent.ConsentWithdrawn>(), position, cancellationToken))
            .Select(w => (Version: new DatasetVersionRef(w.Stream, w.Data.GetProperty("version").GetInt32()), w.Data)).ToList();
        var dueLicenses = await DueLicensesAsync(position, day, cancellationToken);
        var starts = withdrawals.Select(w => w.Version)
            .Concat(dueLicenses.SelectMany(d => d.Dataset.Versions.Select(v => new DatasetVersionRef(d.Dataset.Id, v.Version)))).ToList();
        var reached = await ReleasedReachedAsync(starts, position, cancellationToken);
        // Only the withdrawals that reach a released model version are named, so only their datasets are folded.
        var names = await states.LoadAsync(withdrawals.Where(w => reached[w.Version].Count > 0).Select(w => w.Version.DatasetId).Distinct().ToList(),
            position, Dataset.Fold, cancellationToken);

        var items = new List<AttentionItem>();
        foreach (var (version, data) in withdrawals)
        {
            var name = names.GetValueOrDefault(version.DatasetId)?.Name;
            foreach (var (modelId, modelName, modelVersion) in reached[version])
            {
                items.Add(new AttentionItem("consent-withdrawal-reaches-released-model",
                    $"{data.GetProperty("subjectCount").GetInt64():N0} subject(s) of {name} v{version.Version} withdrew consent effective " +
                    $"{data.GetProperty("effectiveOn").GetString()}; the released model version {modelName} {modelVersion} was trained on it " +
                    "or on what derives from it.",
                    null, null, version.DatasetId, version.Version, name, null, null, modelId, modelName, modelVersion));
            }
        }

        foreach (var (dataset, due) in dueLicenses)
        {
            var released = dataset.Versions.SelectMany(v => reached[new DatasetVersionRef(dataset.Id, v.Version)]).Distinct().ToList();
            foreach (var (license, why, when, within) in due)
            {
                var name = license.Granted.SpdxId ?? $"{Names.Of(license.Granted.Kind)} {license.Granted.Terms.DocumentReference}".Trim();
                items.AddRange(released.Select(model => new AttentionItem(license.Terminated is null ? "license-expiring" : "license-terminated",
                    $"The {name} on {dataset.Name} {why}; the released model version {model.Name} {model.Version} " +
                    "was trained on its data or on what derives from it.",
                    when, within, dataset.Id, null, dataset.Name, null, null, model.ModelId, model.Name, model.Version)));
            }
        }

        return items;
    }

    /// <summary>The licenses terminated by the day or expiring within the horizon, by dataset (datasets without a version left out).</summary>
    private async Task<List<(Dataset Dataset, List<(DatasetLicense License, string Why, DateOnly Due, int? Within)> Due)>> DueLicensesAsync(
        long position, DateOnly day, CancellationToken cancellationToken)
    {
        var granted = EventCatalog.NameOf<Domain.Licenses.LicenseGranted>();
        var amended = EventCatalog.NameOf<Domain.Licenses.LicenseAmended>();
        var terminated = EventCatalog.NameOf<Domain.Licenses.LicenseTerminated>();
        var candidates = (await StreamsDatedAsync([granted, amended], ["terms", "expiresOn"], day, day.AddDays(Horizons[^1]), position, cancellationToken))
            .Union(await StreamsDatedAsync([terminated], ["effectiveOn"], null, day, position, cancellationToken)).ToList();
        var datasets = await states.LoadAsync(candidates, position, Dataset.Fold, cancellationToken);
        var result = new List<(Dataset, List<(DatasetLicense, string, DateOnly, int?)>)>();
        foreach (var dataset in datasets.Values.OrderBy(d => d.Name, StringComparer.Ordinal))
        {
            var due = new List<(DatasetLicense, string, DateOnly, int?)>();
            foreach (var license in dataset.Licenses)
            {
                if (license.Terminated is { } ended && ended.EffectiveOn <= day)
                {
                    due.Add((license, $"was terminated effective {ended.EffectiveOn:yyyy-MM-dd}", ended.EffectiveOn, null));
                }
                else if (license.TermsOn(day)?.Terms.ExpiresOn is { } expires && expires >= day && expires.DayNumber - day.DayNumber <= Horizons[^1])
                {
                    var days = expires.DayNumber - day.DayNumber;
                    due.Add((license, $"expires on {expires:yyyy-MM-dd}, in {days} day(s)", expires, Horizons.First(h => days <= h)));
                }
            }

            if (due.Count > 0 && dataset.Versions.Count > 0)
            {
                result.Add((dataset, due));
            }
        }

        return result;
    }

    private async Task<IEnumerable<AttentionItem>> ProtocolsAsync(long position, DateOnly day, CancellationToken cancellationToken)
    {
        var candidates = await StreamsDatedAsync([EventCatalog.NameOf<IrbProtocolApproved>(), EventCatalog.NameOf<IrbProtocolAmended>()],
            ["terms", "expiresOn"], day, day.AddDays(Horizons[^1]), position, cancellationToken);
        var protocols = await states.LoadAsync(candidates, position, IrbProtocol.Fold, cancellationToken);
        var items = new List<AttentionItem>();
        foreach (var protocol in protocols.Values.OrderBy(p => p.TermsOn(day)?.ExpiresOn).ThenBy(p => p.Approval.ProtocolNumber, StringComparer.Ordinal))
        {
            if (protocol.StandingOn(day) != IrbStanding.Active || protocol.TermsOn(day)?.ExpiresOn is not { } expires)
            {
                continue;
            }

            var days = expires.DayNumber - day.DayNumber;
            if (Horizons.FirstOrDefault(h => days <= h) is var within and > 0)
            {
                items.Add(new AttentionItem("irb-approval-expiring",
                    $"IRB protocol {protocol.Approval.ProtocolNumber} ({protocol.Approval.Title}) expires on {expires:yyyy-MM-dd}, in {days} day(s); " +
                    "a continuing review must approve it before then for its datasets to stay cleared.",
                    expires, within, null, null, null, protocol.Id, protocol.Approval.ProtocolNumber, null, null, null));
            }
        }

        return items;
    }

    /// <summary>
    /// Each version of a model that is a marketed device on the day (a released version: on its release
    /// day, as the release gate judged it; one in training: on the day) whose change-control review has findings.
    /// </summary>
    private async Task<IEnumerable<AttentionItem>> DevicesAsync(long position, DateOnly day, CancellationToken cancellationToken)
    {
        var recorded = await EventsAsync(EventCatalog.NameOf<RegulatoryStatusRecorded>(), position, cancellationToken);
        var devices = recorded.Where(r => r.Data.GetProperty("status").GetString() == Names.Of(RegulatoryStatusKind.MarketedDevice))
            .Select(r => r.Stream).Distinct().ToList();
        var models = await states.LoadAsync(devices, position, Model.Fold, cancellationToken);
        var items = new List<AttentionItem>();
        foreach (var model in models.Values.OrderBy(m => m.Registration.Name, StringComparer.Ordinal))
        {
            if (model.RegulatoryStatusOn(day) is not { Status: RegulatoryStatusKind.MarketedDevice })
            {
                continue;
            }

            foreach (var version in model.Versions.Where(v => v.Status != ModelVersionStatus.Withdrawn))
            {
                var reviewed = version.Release is { } release ? DateOnly.FromDateTime(release.ReleasedAt.UtcDateTime) : day;
                var review = await changeControl.ReviewAsync(model, version.Version, reviewed, [], cancellationToken, position);
                if (!review.Applies || review.Within)
                {
                    continue;
                }

                items.Add(new AttentionItem("device-change-control-failed",
                    $"{model.Registration.Name} {version.Version} ({Names.Of(version.Status)}) is not within the device's authorization and PCCP " +
                    $"on {reviewed:yyyy-MM-dd}: {string.Join(" ", review.Findings.Select(f => f.Message))}",
                    reviewed, null, null, null, null, null, null, model.Id, model.Registration.Name, version.Version));
            }
        }

        return items;
    }

    private async Task<IEnumerable<AttentionItem>> FindingsAsync(long position, CancellationToken cancellationToken)
    {
        var findings = await EventsAsync(EventCatalog.NameOf<MonitoringFindingRecorded>(), position, cancellationToken);
        var models = await states.LoadAsync(findings.Select(f => f.Stream).Distinct().ToList(), position, Model.Fold, cancellationToken);
        return findings.Select(f =>
        {
            var name = models.GetValueOrDefault(f.Stream)?.Registration.Name;
            var version = f.Data.GetProperty("modelVersion").GetString();
            return new AttentionItem("monitoring-finding",
                $"A {f.Data.GetProperty("severity").GetString()} {f.Data.GetProperty("kind").GetString()} finding on {name} {version}, observed " +
                $"{f.Data.GetProperty("observedOn").GetString()}: {f.Data.GetProperty("description").GetString()} Action taken: {f.Data.GetProperty("actionTaken").GetString()}",
                DateOnly.Parse(f.Data.GetProperty("observedOn").GetString()!, CultureInfo.InvariantCulture), null, null, null, null, null, null, f.Stream, name, version);
        });
    }
}
