using System.Text.Json.Nodes;
using MediatR;
using Microsoft.Extensions.Options;
using Provenance.Domain.Datasets;
using Provenance.EventStore;
using Provenance.Ledger.Clearance;
using Provenance.Ledger.Infrastructure.Problems;

namespace Provenance.Ledger.Interop.Dps;

/// <summary>A dataset version's OASIS DPS document, as the ledger stands (or stood at <see cref="AsOf"/>).</summary>
public sealed record GetDpsQuery(Guid Id, int Version, DateTimeOffset? AsOf) : IRequest<JsonObject>;

internal sealed class HandleGetDps(ClearanceFactsLoader loader, PostgresEventStore store, IOptions<InteropOptions> options) : IRequestHandler<GetDpsQuery, JsonObject>
{
    public async Task<JsonObject> Handle(GetDpsQuery request, CancellationToken cancellationToken)
    {
        var position = request.AsOf is { } at ? await store.GetPositionAsOfAsync(at, cancellationToken) : await store.GetHeadPositionAsync(cancellationToken);
        var reference = new DatasetVersionRef(request.Id, request.Version);
        // The version, its ancestors (for sub-provenance) and every protocol that covered one of them.
        var facts = await loader.LoadAsync([reference], cancellationToken, position);
        if (!facts.Datasets.TryGetValue(request.Id, out var dataset))
        {
            throw new NotFoundException("dataset", request.Id);
        }

        if (dataset.Version(request.Version) is null)
        {
            throw new NotFoundException($"The dataset {request.Id} has no version {request.Version}.");
        }

        return DpsDocument.Build(reference, facts, options.Value);
    }
}
