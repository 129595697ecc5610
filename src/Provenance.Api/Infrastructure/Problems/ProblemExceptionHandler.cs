using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Provenance.Api.Infrastructure.Problems;

/// <summary>
/// Writes every failure as application/problem+json. Expected failures carry their reason;
/// an unexpected one is logged once, here, and the client gets only a trace id.
/// </summary>
internal sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = ProblemMapping.ToProblem(exception);
        if (problem is null)
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

    [LoggerMessage(LogLevel.Critical, "{ProblemType} on {Method} {Path}")]
    private static partial void LogServerProblem(ILogger logger, Exception exception, string method, string path, string? problemType);

    [LoggerMessage(LogLevel.Error, "Unhandled error on {Method} {Path}")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string method, string path);
}
