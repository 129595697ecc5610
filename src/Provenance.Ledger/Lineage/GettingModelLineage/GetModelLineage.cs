using System.Text.Json;
using MediatR;
using Provenance.Ledger.Infrastructure.Problems;
using Provenance.Ledger.Infrastructure.Validation;
using Provenance.Ledger.Streams;
using Provenance.Domain.Datasets;
using Provenance.Domain.Models;
using Provenance.EventStore;

namespace Provenance.Ledger.Lineage.GettingModelLineage;

/// <summary>Where a model version's training data came from, down to the original contributions.</summary>
public sealed record ModelLineage(
    Guid ModelId,
    string ModelName,
    bool Commercial,
    string ModelVersion,
    LineageAsOf AsOf,
    IReadOnlyList<LineageNode> Nodes,
    IReadOnlyList<LineageEdge> Edges,
    LineageTreeNode Tree);

/// <summary>A model version's lineage, as the ledger stands or stood at <c>AsOf</c>.</summary>
internal sealed record GetModelLineageQuery(Guid ModelId, string ModelVersion, DateTimeOffset? AsOf, string? Detail = null) : IRequest<LineageAnswer>;

internal sealed class GetModelLineageValidator : IValidator<GetModelLineageQuery>
{
    public void Validate(GetModelLineageQuery request, FieldErrors errors)
    {
        if (request.Detail is not null)
        {
            errors.OneOf<LineageDetail>("detail", request.Detail);
        }
    }
}

internal sealed class HandleGetModelLineage(PostgresEventStore store, LineageGraphs graphs, LineageAnswers answers, TimeProvider clock)
    : IRequestHandler<GetModelLineageQuery, LineageAnswer>
{
    public async Task<LineageAnswer> Handle(GetModelLineageQuery request, CancellationToken cancellationToken)
    {
        var (modelId, modelVersion, asOf, detailText) = request;
        var detail = detailText is null ? LineageDetail.Summary : EnumNames.Parse<LineageDetail>(detailText);
        var position = asOf is { } at ? await store.GetPositionAsOfAsync(at, cancellationToken) : await store.GetHeadPositionAsync(cancellationToken);
        var today = DateOnly.FromDateTime((asOf ?? clock.GetUtcNow()).UtcDateTime);
        var asOfView = new LineageAsOf(asOf, position);
        var queryKey = LineageAnswers.QueryKey(modelId, modelVersion, detail, today, asOf is null ? null : position);
        if (await answers.TryReuseAsync(queryKey, position, store, cancellationToken) is { } reused)
        {
            return reused with { AsOf = asOfView };
        }

        var upstream = await graphs.UpstreamFactsAsync(modelId, modelVersion, position, cancellationToken);
        var facts = upstream.Facts;
        var fingerprint = LineageAnswers.Fingerprint(modelId, modelVersion, upstream.ModelStreamVersion, detail, today, facts.StreamVersions);
        var dependencies = facts.StreamVersions.Keys.Concat(upstream.Versions.Select(v => v.DatasetId)).Append(modelId).ToHashSet();
        if (answers.TryGetByFingerprint(fingerprint, out var known))
        {
            answers.Remember(queryKey, position, dependencies, known!);
            return known! with { AsOf = asOfView };
        }

        var graph = LineageGraphs.Upstream(upstream, today, detail);
        var registration = upstream.Model.Registration;
        var answer = new LineageAnswer(modelId, registration.Name, registration.Commercial, modelVersion, asOfView, fingerprint,
            JsonSerializer.SerializeToUtf8Bytes(graph.Nodes, LineageAnswers.Json), JsonSerializer.SerializeToUtf8Bytes(graph.Edges, LineageAnswers.Json),
            JsonSerializer.SerializeToUtf8Bytes(graph.Tree, LineageAnswers.Json));
        answers.Remember(queryKey, position, dependencies, answer);
        return answer;
    }
}
