using Microsoft.AspNetCore.Http.Metadata;

namespace Provenance.Api.Infrastructure.Http;

/// <summary>
/// Refuses a body an endpoint would read as JSON unless it is sent as <c>application/json</c>
/// (charset UTF-8 or none): <c>415 unsupported-media-type</c>, before anything reads it (#14). The
/// framework alone accepts any <c>+json</c> type and any charset. The import checks its own type.
/// </summary>
internal sealed class RequestMediaTypeMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var accepts = context.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>();
        var hasBody = context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0 ||
                      (context.Request.ContentLength is null && context.Request.ContentType is not null);
        if (hasBody && accepts is not null && accepts.ContentTypes.Contains(MediaTypes.Json, StringComparer.OrdinalIgnoreCase) &&
            !MediaTypes.IsJson(context.Request.ContentType))
        {
            throw new BadHttpRequestException("Send the body as application/json (charset utf-8, or none).", StatusCodes.Status415UnsupportedMediaType);
        }

        return next(context);
    }
}
