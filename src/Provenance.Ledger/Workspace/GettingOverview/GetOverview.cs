using System.Globalization;
using System.Text.Json;
using MediatR;
using Npgsql;
using Provenance.Domain.Common;
using Provenance.Domain.Datasets;
using Provenance.Domain.Irb;
using Provenance.EventStore;
using Provenance.Ledger.Lineage;
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

/// <summary>The workspace's overview (#21): counts, and what needs attention on a day.</summary>
public sealed record Overview(LineageAsOf AsOf, DateOnly Day, OverviewCounts Counts, IReadOnlyList<AttentionItem> Attention);

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
/// <item>each monitoring finding recorded on a model version (the ledger records no resolution of one).</item>
/// </list>
/// </summary>
internal sealed class HandleGetOverview(
    NpgsqlDataSource dataSource, EventStoreOptions options, PostgresEventStore store, StreamStates states, LineageGraphs graphs, TimeProvider clock)
    : IRequestHandler<GetOverviewQuery, Overview>
{
    private static readonly int[] Horizons = [30, 60, 90];
    private readonly string _events = SqlIdentifier.Qualify(options.Schema, EventStoreTables.Events);

    public async Task<Overview> Handle(GetOverviewQuery request, CancellationToken cancellationToken)
    {
        var position = request.AsOf is { } at ? await store.GetPositionAsOfAsync(at, cancellationToken) : await store.GetHeadPositionAsync(cancellationToken);
        var day = DateOnly.FromDateTime((request.AsOf ?? clock.GetUtcNow()).UtcDateTime);
        var counts = await CountAsync(position, cancellationToken);
        var attention = new List<AttentionItem>();
        attention.AddRange(await WithdrawalsAsync(position, request.AsOf, day, cancellationToken));
        attention.AddRange(await ProtocolsAsync(position, day, cancellationToken));
        attention.AddRange(await LicensesAsync(position, request.AsOf, day, cancellationToken));
        attention.AddRange(await FindingsAsync(position, cancellationToken));
        return new Overview(new LineageAsOf(request.AsOf, position), day, counts, attention);
    }

    private async Task<OverviewCounts> CountAsync(long position, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT (SELECT count(*) FROM {_events} WHERE type = @datasets AND position <= @at), " +
            $"(SELECT count(*) FROM {_events} WHERE type = @versions AND position <= @at), " +
            $"(SELECT count(*) FROM {_events} WHERE type = @models AND position <= @at), " +
            $"(SELECT count(DISTINCT (stream_id, data->>'modelVersion')) FROM {_events} WHERE type = @runs AND position <= @at), " +
            $"(SELECT count(*) FROM {_events} WHERE type = @protocols AND position <= @at)");
        command.Parameters.Add(new NpgsqlParameter<string>("datasets", EventCatalog.NameOf<Domain.Datasets.RegisteringDataset.DatasetRegistered>()));
        command.Parameters.Add(new NpgsqlParameter<string>("versions", EventCatalog.NameOf<Domain.Datasets.ContributingVersion.DatasetVersionContributed>()));
        command.Parameters.Add(new NpgsqlParameter<string>("models", EventCatalog.NameOf<Domain.Models.ModelRegistered>()));
        command.Parameters.Add(new NpgsqlParameter<string>("runs", EventCatalog.NameOf<Domain.Models.TrainingRunRecorded>()));
        command.Parameters.Add(new NpgsqlParameter<string>("protocols", EventCatalog.NameOf<IrbProtocolApproved>()));
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
            rows.Add((reader.GetGuid(0), JsonDocument.Parse(reader.GetString(1)).RootElement.Clone()));
        }

        return rows;
    }

    private async Task<IEnumerable<AttentionItem>> WithdrawalsAsync(long position, DateTimeOffset? asOf, DateOnly day, CancellationToken cancellationToken)
    {
        var items = new List<AttentionItem>();
        var withdrawals = await EventsAsync(EventCatalog.NameOf<Domain.Consent.ConsentWithdrawn>(), position, cancellationToken);
        foreach (var (stream, data) in withdrawals)
        {
            var version = data.GetProperty("version").GetInt32();
            var downstream = await graphs.DownstreamAsync([new DatasetVersionRef(stream, version)], position, asOf, day, cancellationToken);
            // The downstream graph names the version it starts from.
            var name = downstream.Nodes.FirstOrDefault(n => n.DatasetId == stream && n.Version == version)?.Name;
            foreach (var model in downstream.ModelVersions.Where(m => m.Status == Names.Of(Domain.Models.ModelVersionStatus.Released)))
            {
                items.Add(new AttentionItem("consent-withdrawal-reaches-released-model",
                    $"{data.GetProperty("subjectCount").GetInt64():N0} subject(s) of {name} v{version} withdrew consent effective " +
                    $"{data.GetProperty("effectiveOn").GetString()}; the released model version {model.ModelName} {model.ModelVersion} was trained on it " +
                    "or on what derives from it.",
                    null, null, stream, version, name, null, null, model.ModelId, model.ModelName, model.ModelVersion));
            }
        }

        return items;
    }

    private async Task<IEnumerable<AttentionItem>> ProtocolsAsync(long position, DateOnly day, CancellationToken cancellationToken)
    {
        var approvals = await EventsAsync(EventCatalog.NameOf<IrbProtocolApproved>(), position, cancellationToken);
        var protocols = await states.LoadAsync(approvals.Select(a => a.Stream).ToList(), position, IrbProtocol.Fold, cancellationToken);
        var items = new List<AttentionItem>();
        foreach (var protocol in protocols.Values.OrderBy(p => p.TermsOn(day)?.ExpiresOn))
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

    private async Task<IEnumerable<AttentionItem>> LicensesAsync(long position, DateTimeOffset? asOf, DateOnly day, CancellationToken cancellationToken)
    {
        var grants = await EventsAsync(EventCatalog.NameOf<Domain.Licenses.LicenseGranted>(), position, cancellationToken);
        var datasets = await states.LoadAsync(grants.Select(g => g.Stream).Distinct().ToList(), position, Dataset.Fold, cancellationToken);
        var items = new List<AttentionItem>();
        foreach (var dataset in datasets.Values)
        {
            var due = new List<(DatasetLicense License, string Why, DateOnly Due, int? Within)>();
            foreach (var license in dataset.Licenses)
            {
                if (license.Terminated is { } terminated && terminated.EffectiveOn <= day)
                {
                    due.Add((license, $"was terminated effective {terminated.EffectiveOn:yyyy-MM-dd}", terminated.EffectiveOn, null));
                }
                else if (license.TermsOn(day)?.Terms.ExpiresOn is { } expires && expires >= day && expires.DayNumber - day.DayNumber <= Horizons[^1])
                {
                    var days = expires.DayNumber - day.DayNumber;
                    due.Add((license, $"expires on {expires:yyyy-MM-dd}, in {days} day(s)", expires, Horizons.First(h => days <= h)));
                }
            }

            if (due.Count == 0 || dataset.Versions.Count == 0)
            {
                continue;
            }

            var downstream = await graphs.DownstreamAsync(dataset.Versions.Select(v => new DatasetVersionRef(dataset.Id, v.Version)).ToList(),
                position, asOf, day, cancellationToken);
            var released = downstream.ModelVersions.Where(m => m.Status == Names.Of(Domain.Models.ModelVersionStatus.Released)).ToList();
            foreach (var (license, why, when, within) in due)
            {
                foreach (var model in released)
                {
                    var name = license.Granted.SpdxId ?? $"{Names.Of(license.Granted.Kind)} {license.Granted.Terms.DocumentReference}".Trim();
                    items.Add(new AttentionItem(license.Terminated is null ? "license-expiring" : "license-terminated",
                        $"The {name} on {dataset.Name} {why}; the released model version {model.ModelName} {model.ModelVersion} " +
                        "was trained on its data or on what derives from it.",
                        when, within, dataset.Id, null, dataset.Name, null, null, model.ModelId, model.ModelName, model.ModelVersion));
                }
            }
        }

        return items;
    }

    private async Task<IEnumerable<AttentionItem>> FindingsAsync(long position, CancellationToken cancellationToken)
    {
        var findings = await EventsAsync(EventCatalog.NameOf<Domain.Models.MonitoringFindingRecorded>(), position, cancellationToken);
        var models = await states.LoadAsync(findings.Select(f => f.Stream).Distinct().ToList(), position, Domain.Models.Model.Fold, cancellationToken);
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
