using MediatR;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.EventStore;

namespace Provenance.Ledger.Infrastructure.Mediation;

/// <summary>
/// Answers a retried command from its first result without running it again. This is the fast
/// path; two retries racing past it are settled inside the append itself, atomically.
/// </summary>
internal sealed class IdempotencyBehavior<TRequest>(RequestContext context, PostgresEventStore store)
    : IPipelineBehavior<TRequest, CommandResult>
    where TRequest : ICommand
{
    public async Task<CommandResult> Handle(TRequest request, CancellationToken cancellationToken, RequestHandlerDelegate<CommandResult> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        if (context.Idempotency is not { } token)
        {
            return await next();
        }

        var earlier = await store.FindIdempotencyKeyAsync(token.Key, cancellationToken);
        if (earlier is null)
        {
            return await next();
        }

        if (!earlier.RequestHash.AsSpan().SequenceEqual(token.RequestHash))
        {
            throw new IdempotencyKeyReusedException(token.Key);
        }

        return CommandResult.From(earlier.Result);
    }
}
