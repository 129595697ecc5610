using System.Globalization;
using MediatR;
using Provenance.Domain.Common;
using Provenance.Domain.Datasets;
using Provenance.EventStore;
using Provenance.Ledger.Infrastructure.Validation;
using Provenance.Ledger.Streams;

namespace Provenance.Ledger.Irb.ListingProtocols;

/// <summary>One line of the IRB protocol list, with where the protocol stands on <see cref="Day"/> (as its own read says).</summary>
public sealed record ProtocolSummary(
    Guid Id, string ProtocolNumber, string Title, string IrbName, string ReviewType, DateOnly ApprovedOn, Domain.Irb.IrbStanding Status, DateOnly Day);

internal sealed record ListProtocolsQuery(string? ProtocolNumber, DateOnly? On, string? After, int? Limit) : IRequest<Page<ProtocolSummary>>
{
    /// <summary>The orders the list is sorted in: approval (the log's order, the default), or protocol number; '-' before one reverses it.</summary>
    public static readonly string[] Sorts = ["approved", "protocolNumber"];

    /// <summary>#21: the order, one of <see cref="Sorts"/>, '-' first for descending.</summary>
    public string? Sort { get; init; }
}

internal sealed class ListProtocolsValidator : IValidator<ListProtocolsQuery>
{
    public void Validate(ListProtocolsQuery request, FieldErrors errors)
    {
        Paging.Validate(errors, null, request.Limit);
        ListOrder.Read(errors, request.Sort, request.After, ListProtocolsQuery.Sorts);
        errors.Text("protocolNumber", request.ProtocolNumber, maxLength: 100, required: false);
    }
}

internal sealed class HandleListProtocols(RegistrationIndex index, StreamStates states, PostgresEventStore store, TimeProvider clock)
    : IRequestHandler<ListProtocolsQuery, Page<ProtocolSummary>>
{
    public async Task<Page<ProtocolSummary>> Handle(ListProtocolsQuery request, CancellationToken cancellationToken)
    {
        var filters = request.ProtocolNumber is { } number ? new List<(string, object)> { ("protocolNumber", number) } : [];
        var order = ListOrder.Of(request.Sort, ListProtocolsQuery.Sorts);
        var (items, more) = await index.ListAsync(EventCatalog.NameOf<Domain.Irb.IrbProtocolApproved>(), filters, order, order.Cursor(request.After),
            request.Limit ?? Paging.DefaultLimit, cancellationToken);
        // The page's protocols folded (two round trips, reused while unchanged), for their standing on the day.
        var head = await store.GetHeadPositionAsync(cancellationToken);
        var protocols = await states.LoadAsync(items.Select(i => i.StreamId).ToList(), head,
            Domain.Irb.IrbProtocol.Fold, cancellationToken);
        var day = request.On ?? DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        return new Page<ProtocolSummary>(items.Select(i => new ProtocolSummary(
            i.StreamId, i.Data.GetProperty("protocolNumber").GetString()!, i.Data.GetProperty("title").GetString()!, i.Data.GetProperty("irbName").GetString()!,
            i.Data.GetProperty("reviewType").GetString()!, DateOnly.Parse(i.Data.GetProperty("approvedOn").GetString()!, CultureInfo.InvariantCulture),
            protocols[i.StreamId].StandingOn(day), day)).ToList(),
            more ? order.Next(items[^1].Data.GetProperty("protocolNumber").GetString(), items[^1].Position) : null);
    }
}
