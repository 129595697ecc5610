using MediatR;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Validation;
using Provenance.Domain.Datasets;

namespace Provenance.Ledger.Datasets.GettingDataset;

/// <summary>A dataset's current state, folded from its events.</summary>
public sealed record DatasetView(
    Guid Id,
    string Name,
    string Description,
    string Steward,
    string SourceInstitution,
    string Modality,
    DatePeriodView CollectionPeriod,
    long RecordCount,
    long PatientCount,
    string Status,
    string RegisteredBy,
    DateTimeOffset RegisteredAt,
    IReadOnlyList<DatasetVersion> Versions,
    IReadOnlyList<DeidentificationDecision> DeidentificationDecisions,
    IReadOnlyList<DatasetLicense> Licenses,
    IReadOnlyList<Domain.Consent.ConsentWithdrawn> ConsentWithdrawals,
    Domain.Datasets.RetiringDataset.DatasetRetired? Retirement,
    long Version)
{
    /// <summary>The view of a folded dataset at a stream version.</summary>
    public static DatasetView Of(Dataset dataset, long version) => new(
        dataset.Id, dataset.Name, dataset.Description, dataset.Steward, dataset.SourceInstitution,
        EnumNames.Name(dataset.Modality), new DatePeriodView(dataset.CollectionStart, dataset.CollectionEnd),
        dataset.RecordCount, dataset.PatientCount, EnumNames.Name(dataset.Status), dataset.RegisteredBy,
        dataset.RegisteredAt, dataset.Versions, dataset.Decisions, dataset.Licenses, dataset.ConsentWithdrawals, dataset.Retirement, version);
}

public sealed record DatePeriodView(DateOnly Start, DateOnly End);

internal sealed record GetDatasetQuery(Guid Id, DateTimeOffset? AsOf = null) : IRequest<DatasetView>;

internal sealed class HandleGetDataset(Aggregates aggregates) : IRequestHandler<GetDatasetQuery, DatasetView>
{
    public async Task<DatasetView> Handle(GetDatasetQuery request, CancellationToken cancellationToken)
    {
        var (dataset, version) = await aggregates.DatasetAsync(request.Id, cancellationToken, request.AsOf);
        return DatasetView.Of(dataset, version);
    }
}
