using System.Diagnostics;
using Provenance.Ledger.Infrastructure.Commands;

namespace Provenance.Api.Infrastructure.Http;

/// <summary>
/// Takes the correlation id from <c>X-Correlation-Id</c> (or makes one), echoes it back, records it
/// in the request context, and writes exactly one log event per request: method, path, status,
/// elapsed milliseconds and correlation id. Never the query string or the body.
/// </summary>
internal sealed partial class CorrelationAndLoggingMiddleware(RequestDelegate next, ILogger<CorrelationAndLoggingMiddleware> logger)
{
    public const string Header = "X-Correlation-Id";

    public async Task InvokeAsync(HttpContext context, RequestContext requestContext)
    {
        var correlationId = context.Request.Headers[Header].ToString();
        if (!IsAcceptable(correlationId))
        {
            correlationId = Guid.CreateVersion7().ToString();
        }

        requestContext.CorrelationId = correlationId;
        // Set when the response starts: the exception handler clears headers set before it runs.
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[Header] = correlationId;
            return Task.CompletedTask;
        });
        var started = Stopwatch.GetTimestamp();
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["CorrelationId"] = correlationId });
        try
        {
            await next(context);
        }
        finally
        {
            LogRequest(logger, context.Request.Method, context.Request.Path.Value ?? "/", context.Response.StatusCode,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds, correlationId);
        }
    }

    // An id from a client ends up in logs and in the ledger: keep it short and plain.
    private static bool IsAcceptable(string value) =>
        value.Length is > 0 and <= 128 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');

    [LoggerMessage(LogLevel.Information, "HTTP {Method:l} {Path:l} responded {StatusCode} in {ElapsedMs:0.0} ms ({CorrelationId:l})")]
    private static partial void LogRequest(ILogger logger, string method, string path, int statusCode, double elapsedMs, string correlationId);
}
