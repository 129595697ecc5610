using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Provenance.Ledger.Infrastructure.Problems;

namespace Provenance.Api.Infrastructure.Problems;

/// <summary>
/// Writes every failure as application/problem+json. Expected failures carry their reason;
/// an unexpected one is logged once, here, and the client gets only a trace id.
/// </summary>
internal sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, TimeProvider time, ILogger<ProblemExceptionHandler> logger)
    : IExceptionHandler
{
    // An outage fails every request: it is logged once per interval, not once (with a stack trace) per request.
    private static readonly TimeSpan OutageLogInterval = TimeSpan.FromSeconds(30);
    private readonly Lock _outageGate = new();
    private DateTimeOffset _outageLoggedAt = DateTimeOffset.MinValue;
    private long _outageRequests;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = ProblemMapping.ToProblem(exception);
        if (exception is EventStore.StreamVersionConflictException conflict && IfMatch(httpContext) is { } ifMatch)
        {
            // #14: the request's precondition failed (another write got in between its read and its append).
            problem = ProblemMapping.ToProblem(new PreconditionFailedException(conflict.CurrentVersion, ifMatch));
        }

        if (problem is null && Database.DatabaseOutage.Is(exception))
        {
            LogOutageOncePerInterval(exception);
            httpContext.Response.Headers.RetryAfter = Database.DatabaseOutage.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Type = ProblemTypes.DatabaseUnavailable,
                Title = "Database unavailable",
                Detail = $"The ledger's database can't be reached right now; nothing was written. Try again in {Database.DatabaseOutage.RetryAfterSeconds} s.",
            };
        }
        else if (problem is null)
        {
            LogUnexpected(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Type = ProblemTypes.Unexpected,
                Title = "Unexpected error",
                Detail = "The server failed to handle the request. Quote the trace id when reporting it.",
            };
        }
        else if (problem.Status >= StatusCodes.Status500InternalServerError)
        {
            // An expected server-side failure (such as an integrity violation) is still an alarm.
            LogServerProblem(logger, exception, httpContext.Request.Method, httpContext.Request.Path, problem.Type);
        }

        httpContext.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    private static string? IfMatch(HttpContext context) =>
        context.Request.Headers.IfMatch.ToString() is { Length: > 0 } value && value != "*" ? value : null;

    private void LogOutageOncePerInterval(Exception exception)
    {
        long suppressed;
        lock (_outageGate)
        {
            _outageRequests++;
            var now = time.GetUtcNow();
            if (now - _outageLoggedAt < OutageLogInterval)
            {
                return;
            }

            suppressed = _outageRequests - 1;
            _outageRequests = 0;
            _outageLoggedAt = now;
        }

        // The kind and the message only: no stack trace for a known condition.
        LogOutage(logger, exception.GetType().Name, exception.InnerException?.Message ?? exception.Message, suppressed);
    }

    [LoggerMessage(LogLevel.Error, "The ledger database is unavailable ({Kind}: {Reason}); requests answer 503 until it is back ({Suppressed} more since the last report)")]
    private static partial void LogOutage(ILogger logger, string kind, string reason, long suppressed);

    [LoggerMessage(LogLevel.Critical, "{ProblemType} on {Method} {Path}")]
    private static partial void LogServerProblem(ILogger logger, Exception exception, string method, string path, string? problemType);

    [LoggerMessage(LogLevel.Error, "Unhandled error on {Method} {Path}")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string method, string path);
}
