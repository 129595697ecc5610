using MediatR;
using Provenance.Domain.Models;
using Provenance.Ledger.Clearance;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Problems;

namespace Provenance.Ledger.Models.ReviewingChangeControl;

/// <summary>
/// Reviews a model version against the device's authorization and PCCP (#18): loads the clearance
/// facts of the version's and the authorized version's training inputs only when the model is a
/// marketed device on the day, and asks <see cref="ChangeControl"/>. The release gate, the
/// change-control query and the disclosure all review through here.
/// </summary>
internal sealed class ChangeControlReviewer(ClearanceFactsLoader facts)
{
    public async Task<ChangeControlReview> ReviewAsync(
        Model model, string version, DateOnly day, IReadOnlyCollection<ModificationKind> declared, CancellationToken cancellationToken, long? position = null)
    {
        if (model.RegulatoryStatusOn(day) is not { Status: RegulatoryStatusKind.MarketedDevice, Device: { } device })
        {
            return ChangeControl.Review(model, version, day, new Domain.Clearance.ClearanceFacts(new Dictionary<Guid, Domain.Datasets.Dataset>(), []), declared);
        }

        var inputs = (model.Version(version)?.TrainingInputs ?? []).Concat(model.Version(device.AuthorizedVersion)?.TrainingInputs ?? []);
        return ChangeControl.Review(model, version, day, await facts.LoadAsync(inputs, cancellationToken, position), declared);
    }
}

/// <summary>Where a model version stands against the device's authorization and PCCP, on a day (today by default).</summary>
internal sealed record GetChangeControlQuery(Guid Id, string ModelVersion, DateOnly? On) : IRequest<ChangeControlReview>;

internal sealed class HandleGetChangeControl(Aggregates aggregates, ChangeControlReviewer reviewer, TimeProvider clock) : IRequestHandler<GetChangeControlQuery, ChangeControlReview>
{
    public async Task<ChangeControlReview> Handle(GetChangeControlQuery request, CancellationToken cancellationToken)
    {
        var (model, _) = await aggregates.ModelAsync(request.Id, cancellationToken);
        var version = model.Version(request.ModelVersion) ?? throw new NotFoundException($"The model {request.Id} has no version {request.ModelVersion}.");
        // A released version is reviewed as it stood on its release day; one in training, on the day asked (today by default).
        var day = request.On ?? (version.Release is { } released ? DateOnly.FromDateTime(released.ReleasedAt.UtcDateTime) : DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
        return await reviewer.ReviewAsync(model, version.Version, day, [], cancellationToken);
    }
}
