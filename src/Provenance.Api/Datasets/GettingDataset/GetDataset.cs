using MediatR;
using Provenance.Api.Infrastructure.Http;
using Provenance.Api.Infrastructure.Problems;
using Provenance.Api.Infrastructure.Validation;
using Provenance.Domain.Common;
using Provenance.Domain.Datasets;
using Provenance.EventStore;

namespace Provenance.Api.Datasets.GettingDataset;

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
    long Version);

public sealed record DatePeriodView(DateOnly Start, DateOnly End);

internal sealed record GetDatasetQuery(Guid Id) : IRequest<DatasetView>;

internal sealed class HandleGetDataset(PostgresEventStore store) : IRequestHandler<GetDatasetQuery, DatasetView>
{
    public async Task<DatasetView> Handle(GetDatasetQuery request, CancellationToken cancellationToken)
    {
        var stream = await store.GetStreamAsync(request.Id, cancellationToken);
        if (stream is null || stream.StreamType != StreamTypes.Dataset)
        {
            throw new NotFoundException("dataset", request.Id);
        }

        var events = await store.ReadStreamAsync(request.Id, toVersion: stream.Version, cancellationToken: cancellationToken)
            .Select(e => e.Data).ToListAsync(cancellationToken);
        var dataset = Dataset.Fold(events) ?? throw new NotFoundException("dataset", request.Id);
        return new DatasetView(
            dataset.Id, dataset.Name, dataset.Description, dataset.Steward, dataset.SourceInstitution,
            EnumNames.Name(dataset.Modality), new DatePeriodView(dataset.CollectionStart, dataset.CollectionEnd),
            dataset.RecordCount, dataset.PatientCount, EnumNames.Name(dataset.Status), dataset.RegisteredBy,
            dataset.RegisteredAt, stream.Version);
    }
}

internal static class GetDatasetEndpoint
{
    public static async Task<IResult> Handle(Guid id, IMediator mediator, HttpContext context, CancellationToken cancellationToken)
    {
        var view = await mediator.Send(new GetDatasetQuery(id), cancellationToken);
        context.Response.Headers.ETag = HttpResults.ETag(view.Version);
        return TypedResults.Ok(view);
    }
}
