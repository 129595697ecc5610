using Provenance.Ledger.Infrastructure.Commands;
using Serilog.Context;

namespace Provenance.Api.Infrastructure.Http;

/// <summary>
/// Takes the correlation id from <c>X-Correlation-Id</c> (or makes one), echoes it back, records it in
/// the request context (so the events a request writes carry it) and in the log context (so every log
/// event of the request, the request line included, carries it).
/// </summary>
internal sealed class CorrelationIdMiddleware(RequestDelegate next)
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
        using (LogContext.PushProperty("CorrelationId", correlationId))
        {
            await next(context);
        }
    }

    // An id from a client ends up in logs and in the ledger: keep it short and plain.
    private static bool IsAcceptable(string value) =>
        value.Length is > 0 and <= 128 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');
}
