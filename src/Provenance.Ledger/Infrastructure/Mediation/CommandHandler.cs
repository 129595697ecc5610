using MediatR;
using Provenance.EventStore;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Validation;

namespace Provenance.Ledger.Infrastructure.Mediation;

/// <summary>
/// Runs every write the same way, after the pipeline's logging and access check: parse and check
/// its fields (a write with field errors goes no further: 422 naming each), then answer a retried
/// write from its first result (a reused key with another request is refused), then decide. Two
/// retries racing past the idempotency look-up are settled inside the append itself, atomically.
/// </summary>
internal sealed class CommandHandler<TCommand, TValid>(
    ICommandParser<TCommand, TValid> parser, ICommandHandler<TValid> handler, RequestContext context, PostgresEventStore store)
    : IRequestHandler<TCommand, CommandResult>
    where TCommand : ICommand<TValid>
    where TValid : notnull
{
    public async Task<CommandResult> Handle(TCommand request, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var command = parser.Parse(request, errors);
        errors.ThrowIfAny();

        if (context.Idempotency is { } token && await store.FindIdempotencyKeyAsync(token.Key, cancellationToken) is { } earlier)
        {
            if (!earlier.RequestHash.AsSpan().SequenceEqual(token.RequestHash))
            {
                throw new IdempotencyKeyReusedException(token.Key);
            }

            LedgerTelemetry.IdempotentReplays.Add(1);
            return CommandResult.From(earlier.Result);
        }

        var result = await handler.HandleAsync(command, cancellationToken);
        if (result.Replayed)
        {
            // A retry that raced its first request to the append: the store answered it from the first's result.
            LedgerTelemetry.IdempotentReplays.Add(1);
        }

        return result;
    }
}
