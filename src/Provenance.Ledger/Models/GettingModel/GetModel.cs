using MediatR;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Domain.Models;

namespace Provenance.Ledger.Models.GettingModel;

/// <summary>A model with its versions and their training runs.</summary>
public sealed record ModelView(Guid Id, ModelRegistered Registration, IReadOnlyList<ModelVersion> Versions, long Version);

internal sealed record GetModelQuery(Guid Id, DateTimeOffset? AsOf = null) : IRequest<ModelView>;

internal sealed class HandleGetModel(Aggregates aggregates) : IRequestHandler<GetModelQuery, ModelView>
{
    public async Task<ModelView> Handle(GetModelQuery request, CancellationToken cancellationToken)
    {
        var (model, version) = await aggregates.ModelAsync(request.Id, cancellationToken, request.AsOf);
        return new ModelView(model.Id, model.Registration, model.Versions, version);
    }
}
