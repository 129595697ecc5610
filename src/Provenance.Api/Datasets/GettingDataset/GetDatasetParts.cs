using MediatR;
using Provenance.Api.Infrastructure.Http;
using Provenance.Api.Infrastructure.Problems;
using Provenance.Domain.Datasets;
using Provenance.Ledger.Datasets.GettingDataset;
using Provenance.Ledger.Infrastructure.Problems;

namespace Provenance.Api.Datasets.GettingDataset;

/// <summary>
/// The parts of a dataset that writes answer with a <c>Location</c> (#14: every <c>Location</c>
/// resolves): a version, a de-identification decision, a license, a consent withdrawal. Each is read
/// from the dataset's folded state, as of <c>?asOf=</c> when given, with the dataset's ETag.
/// </summary>
internal static class GetDatasetParts
{
    public static Task<IResult> Version(Guid id, int version, DateTimeOffset? asOf, IMediator mediator, HttpContext context, CancellationToken ct) =>
        PartAsync(id, asOf, mediator, context, d => d.Versions.FirstOrDefault(v => v.Version == version), $"version {version}", ct);

    public static Task<IResult> Decision(Guid id, Guid decisionId, DateTimeOffset? asOf, IMediator mediator, HttpContext context, CancellationToken ct) =>
        PartAsync(id, asOf, mediator, context, d => d.DeidentificationDecisions.FirstOrDefault(x => x.Decided.DecisionId == decisionId),
            $"de-identification decision {decisionId}", ct);

    public static Task<IResult> License(Guid id, Guid licenseId, DateTimeOffset? asOf, IMediator mediator, HttpContext context, CancellationToken ct) =>
        PartAsync(id, asOf, mediator, context, d => d.Licenses.FirstOrDefault(l => l.Granted.LicenseId == licenseId), $"license {licenseId}", ct);

    public static Task<IResult> ConsentWithdrawal(Guid id, Guid withdrawalId, DateTimeOffset? asOf, IMediator mediator, HttpContext context, CancellationToken ct) =>
        PartAsync(id, asOf, mediator, context, d => d.ConsentWithdrawals.FirstOrDefault(w => w.WithdrawalId == withdrawalId),
            $"consent withdrawal {withdrawalId}", ct);

    private static async Task<IResult> PartAsync<T>(
        Guid id, DateTimeOffset? asOf, IMediator mediator, HttpContext context, Func<DatasetView, T?> select, string what, CancellationToken ct)
        where T : class
    {
        var dataset = await mediator.Send(new GetDatasetQuery(id, asOf), ct);
        var part = select(dataset) ?? throw new NotFoundException($"The dataset {id} has no {what}.");
        context.Response.Headers.ETag = HttpResults.ETag(dataset.Version);
        return TypedResults.Ok(part);
    }
}
