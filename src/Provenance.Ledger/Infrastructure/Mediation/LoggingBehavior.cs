using System.Diagnostics;
using MediatR;

namespace Provenance.Ledger.Infrastructure.Mediation;

/// <summary>Logs each request's name, outcome and duration: never its body, which may hold free text.</summary>
internal sealed partial class LoggingBehavior<TRequest, TResponse>(ILogger<LoggingBehavior<TRequest, TResponse>> logger)
    : IPipelineBehavior<TRequest, TResponse>
{
    public async Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken, RequestHandlerDelegate<TResponse> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await next();
            LogHandled(logger, typeof(TRequest).Name, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return response;
        }
        catch (Exception e)
        {
            LogRejected(logger, typeof(TRequest).Name, e.GetType().Name, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            throw;
        }
    }

    [LoggerMessage(LogLevel.Debug, "{Request} handled in {ElapsedMs:0.0} ms")]
    private static partial void LogHandled(ILogger logger, string request, double elapsedMs);

    [LoggerMessage(LogLevel.Debug, "{Request} ended with {Outcome} after {ElapsedMs:0.0} ms")]
    private static partial void LogRejected(ILogger logger, string request, string outcome, double elapsedMs);
}
