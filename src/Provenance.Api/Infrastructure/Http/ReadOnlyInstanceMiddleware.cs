using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Provenance.Api.Infrastructure.Database;
using Provenance.Api.Infrastructure.Problems;
using Provenance.Ledger.Infrastructure.Database;
using Provenance.Ledger.Infrastructure.Problems;

namespace Provenance.Api.Infrastructure.Http;

/// <summary>
/// #8: on an instance serving a read replica (<c>Provenance:Database:ReadOnly</c>), refuses every
/// request that could write with <c>503 read-only-instance</c>, before anything reads its body: the
/// replica would refuse the write anyway, later and less clearly.
/// </summary>
internal sealed class ReadOnlyInstanceMiddleware(RequestDelegate next, IOptions<DatabaseOptions> options)
{
    public async Task InvokeAsync(HttpContext context, IProblemDetailsService problems)
    {
        if (!options.Value.ReadOnly || HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)
            || HttpMethods.IsOptions(context.Request.Method))
        {
            await next(context);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Type = ProblemTypes.ReadOnlyInstance,
                Title = "This instance serves reads only",
                Detail = $"This instance reads a replica of the ledger and cannot record anything: send {context.Request.Method} requests to the primary's instances.",
            },
        });
    }
}
