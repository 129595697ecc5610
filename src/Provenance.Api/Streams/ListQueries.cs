using System.Globalization;
using System.Text.Json;
using MediatR;
using Provenance.Api.Infrastructure.Validation;
using Provenance.Domain.Datasets;

namespace Provenance.Api.Streams;

/// <summary>One line of the dataset list.</summary>
public sealed record DatasetSummary(Guid Id, string Name, string SourceInstitution, string Modality, string Status, DateTimeOffset RegisteredAt);

/// <summary>One line of the model list.</summary>
public sealed record ModelSummary(Guid Id, string Name, string Owner, bool Commercial, DateTimeOffset RegisteredAt);

/// <summary>One line of the IRB protocol list.</summary>
public sealed record ProtocolSummary(Guid Id, string ProtocolNumber, string Title, string IrbName, string ReviewType, DateOnly ApprovedOn);

internal sealed record ListDatasetsQuery(string? Institution, string? Modality, string? Status, string? After, int? Limit) : IRequest<Page<DatasetSummary>>;

internal sealed record ListModelsQuery(bool? Commercial, string? After, int? Limit) : IRequest<Page<ModelSummary>>;

internal sealed record ListProtocolsQuery(string? ProtocolNumber, string? After, int? Limit) : IRequest<Page<ProtocolSummary>>;

internal static class Paging
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public static void Validate(FieldErrors errors, string? after, int? limit)
    {
        if (after is not null && !long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            errors.Add("after", "must be a cursor returned as 'next' by an earlier page");
        }

        if (limit is < 1 or > MaxLimit)
        {
            errors.Add("limit", $"must be between 1 and {MaxLimit}");
        }
    }

    public static long After(string? after) => after is null ? 0 : long.Parse(after, CultureInfo.InvariantCulture);

    public static string? Next(long? position) => position?.ToString(CultureInfo.InvariantCulture);
}

internal sealed class ListDatasetsValidator : IValidator<ListDatasetsQuery>
{
    public void Validate(ListDatasetsQuery request, FieldErrors errors)
    {
        Paging.Validate(errors, request.After, request.Limit);
        if (request.Modality is not null)
        {
            errors.OneOf<Modality>("modality", request.Modality);
        }

        if (request.Status is not null)
        {
            errors.OneOf<DatasetStatus>("status", request.Status);
        }

        errors.Text("institution", request.Institution, maxLength: 200, required: false);
    }
}

internal sealed class ListModelsValidator : IValidator<ListModelsQuery>
{
    public void Validate(ListModelsQuery request, FieldErrors errors) => Paging.Validate(errors, request.After, request.Limit);
}

internal sealed class ListProtocolsValidator : IValidator<ListProtocolsQuery>
{
    public void Validate(ListProtocolsQuery request, FieldErrors errors)
    {
        Paging.Validate(errors, request.After, request.Limit);
        errors.Text("protocolNumber", request.ProtocolNumber, maxLength: 100, required: false);
    }
}

internal sealed class HandleListDatasets(RegistrationIndex index) : IRequestHandler<ListDatasetsQuery, Page<DatasetSummary>>
{
    public async Task<Page<DatasetSummary>> Handle(ListDatasetsQuery request, CancellationToken cancellationToken)
    {
        var filters = new List<(string, object)>();
        if (request.Institution is { } institution)
        {
            filters.Add(("sourceInstitution", institution));
        }

        if (request.Modality is { } modality)
        {
            filters.Add(("modality", modality));
        }

        bool? retired = request.Status is null ? null : request.Status == EnumNames.Name(DatasetStatus.Retired);
        var (items, next) = await index.ListAsync("dataset.registered", filters, "dataset.retired", retired,
            Paging.After(request.After), request.Limit ?? Paging.DefaultLimit, cancellationToken);
        return new Page<DatasetSummary>(items.Select(i => new DatasetSummary(
            i.StreamId, Text(i.Data, "name"), Text(i.Data, "sourceInstitution"), Text(i.Data, "modality"),
            EnumNames.Name(i.Closed ? DatasetStatus.Retired : DatasetStatus.Active), i.Data.GetProperty("registeredAt").GetDateTimeOffset())).ToList(),
            Paging.Next(next));
    }

    private static string Text(JsonElement data, string field) => data.GetProperty(field).GetString()!;
}

internal sealed class HandleListModels(RegistrationIndex index) : IRequestHandler<ListModelsQuery, Page<ModelSummary>>
{
    public async Task<Page<ModelSummary>> Handle(ListModelsQuery request, CancellationToken cancellationToken)
    {
        var filters = request.Commercial is { } commercial ? new List<(string, object)> { ("commercial", commercial) } : [];
        var (items, next) = await index.ListAsync("model.registered", filters, null, null, Paging.After(request.After), request.Limit ?? Paging.DefaultLimit, cancellationToken);
        return new Page<ModelSummary>(items
            .Select(i => new ModelSummary(i.StreamId, i.Data.GetProperty("name").GetString()!, i.Data.GetProperty("owner").GetString()!,
                i.Data.GetProperty("commercial").GetBoolean(), i.Data.GetProperty("registeredAt").GetDateTimeOffset()))
            .ToList(), Paging.Next(next));
    }
}

internal sealed class HandleListProtocols(RegistrationIndex index) : IRequestHandler<ListProtocolsQuery, Page<ProtocolSummary>>
{
    public async Task<Page<ProtocolSummary>> Handle(ListProtocolsQuery request, CancellationToken cancellationToken)
    {
        var filters = request.ProtocolNumber is { } number ? new List<(string, object)> { ("protocolNumber", number) } : [];
        var (items, next) = await index.ListAsync("irb.protocol-approved", filters, null, null, Paging.After(request.After), request.Limit ?? Paging.DefaultLimit, cancellationToken);
        return new Page<ProtocolSummary>(items.Select(i => new ProtocolSummary(
            i.StreamId, i.Data.GetProperty("protocolNumber").GetString()!, i.Data.GetProperty("title").GetString()!, i.Data.GetProperty("irbName").GetString()!,
            i.Data.GetProperty("reviewType").GetString()!, DateOnly.Parse(i.Data.GetProperty("approvedOn").GetString()!, CultureInfo.InvariantCulture))).ToList(),
            Paging.Next(next));
    }
}
