using MediatR;
using Provenance.Domain.Common;
using Provenance.Ledger.Infrastructure.Problems;
using Provenance.Ledger.Infrastructure.Validation;
using Provenance.Ledger.Streams;
using Provenance.Domain.Access;

namespace Provenance.Ledger.Access.ListingApiKeys;

/// <summary>Keys in issuance order, optionally of one principal; cursor-paged like the other lists.</summary>
internal sealed record ListApiKeysQuery(string? Principal, string? After, int? Limit) : IRequest<Page<ApiKeyView>>, IAdministration;

internal sealed class ListApiKeysValidator : IValidator<ListApiKeysQuery>
{
    public void Validate(ListApiKeysQuery request, FieldErrors errors)
    {
        Paging.Validate(errors, request.After, request.Limit);
        errors.Text("principal", request.Principal, maxLength: 200, required: false);
    }
}

internal sealed class HandleListApiKeys(RegistrationIndex index, ApiKeyDirectory directory, TimeProvider clock)
    : IRequestHandler<ListApiKeysQuery, Page<ApiKeyView>>
{
    public async Task<Page<ApiKeyView>> Handle(ListApiKeysQuery request, CancellationToken cancellationToken)
    {
        var filters = request.Principal is { } principal ? new List<(string, object)> { ("principal", principal.Trim()) } : [];
        var (items, next) = await index.ListAsync(EventCatalog.NameOf<ApiKeyIssued>(), filters, Paging.After(request.After), request.Limit ?? Paging.DefaultLimit, cancellationToken);
        var keys = await directory.FindManyAsync(items.Select(i => i.StreamId).ToList(), cancellationToken);
        var now = clock.GetUtcNow();
        return new Page<ApiKeyView>(items.Where(i => keys.ContainsKey(i.StreamId)).Select(i => ApiKeyView.From(keys[i.StreamId], now)).ToList(), Paging.Next(next));
    }
}
