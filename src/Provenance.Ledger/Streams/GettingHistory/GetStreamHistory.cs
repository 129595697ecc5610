using System.Globalization;
using MediatR;
using Provenance.Ledger.Infrastructure.Problems;
using Provenance.Ledger.Infrastructure.Validation;
using Provenance.EventStore;

namespace Provenance.Ledger.Streams.GettingHistory;

/// <summary>A page of one stream's events, in version order. The cursor is the last version returned.</summary>
internal sealed record GetStreamHistoryQuery(string Resource, string StreamType, Guid Id, string? After, int? Limit) : IRequest<Page<EventView>>;

internal sealed class GetStreamHistoryValidator : IValidator<GetStreamHistoryQuery>
{
    public void Validate(GetStreamHistoryQuery request, FieldErrors errors)
    {
        if (request.After is not null && !long.TryParse(request.After, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            errors.Add("after", "must be a cursor returned as 'next' by an earlier page");
        }

        if (request.Limit is < 1 or > StreamHistory.MaxLimit)
        {
            errors.Add("limit", $"must be between 1 and {StreamHistory.MaxLimit}");
        }
    }
}

internal sealed class HandleGetStreamHistory(PostgresEventStore store) : IRequestHandler<GetStreamHistoryQuery, Page<EventView>>
{
    public async Task<Page<EventView>> Handle(GetStreamHistoryQuery request, CancellationToken cancellationToken)
    {
        var (resource, streamType, id, after, limit) = request;
        var stream = await store.GetStreamAsync(id, cancellationToken);
        if (stream is null || stream.StreamType != streamType)
        {
            throw new NotFoundException(resource, id);
        }

        var take = limit ?? StreamHistory.DefaultLimit;
        var afterVersion = after is null ? 0 : long.Parse(after, CultureInfo.InvariantCulture);
        var items = await store.ReadStreamAsync(id, afterVersion, toVersion: stream.Version, maxCount: take, cancellationToken: cancellationToken)
            .Select(EventView.From).ToListAsync(cancellationToken);
        var next = items.Count == take && items[^1].StreamVersion < stream.Version
            ? items[^1].StreamVersion.ToString(CultureInfo.InvariantCulture)
            : null;
        return new Page<EventView>(items, next);
    }
}

internal static class StreamHistory
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
}
