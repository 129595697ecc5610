using System.Diagnostics;
using MediatR;
using Provenance.Domain.Common;

namespace Provenance.Ledger.Infrastructure.Mediation;

/// <summary>
/// Each request as a span (named after the request's type) and a log event with its outcome and
/// duration, never its body, which may hold free text; a refused command counts its broken rules.
/// </summary>
internal sealed partial class DiagnosticsBehavior<TRequest, TResponse>(ILogger<DiagnosticsBehavior<TRequest, TResponse>> logger)
    : IPipelineBehavior<TRequest, TResponse>
{
    private static readonly string RequestName = typeof(TRequest).Name;

    public async Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken, RequestHandlerDelegate<TResponse> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        using var activity = LedgerTelemetry.Source.StartActivity(RequestName);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await next();
            LogHandled(logger, RequestName, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return response;
        }
        catch (Exception e)
        {
            if (e is RuleViolationException refusal)
            {
                LedgerTelemetry.Refused(refusal);
            }

            activity?.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
            LogRejected(logger, RequestName, e.GetType().Name, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            throw;
        }
    }

    [LoggerMessage(LogLevel.Debug, "{Request} handled in {ElapsedMs:0.0} ms")]
    private static partial void LogHandled(ILogger logger, string request, double elapsedMs);

    [LoggerMessage(LogLevel.Debug, "{Request} ended with {Outcome} after {ElapsedMs:0.0} ms")]
    private static partial void LogRejected(ILogger logger, string request, string outcome, double elapsedMs);
}
