using System.Globalization;
using Microsoft.Net.Http.Headers;
using Provenance.Api.Infrastructure.Commands;
using Provenance.Api.Infrastructure.Problems;
using Provenance.EventStore;

namespace Provenance.Api.Infrastructure.Http;

/// <summary>How writes answer, and how versions travel in ETag / If-Match.</summary>
internal static class HttpResults
{
    public static string ETag(long version) => "\"" + version.ToString(CultureInfo.InvariantCulture) + "\"";

    /// <summary>201 with Location and ETag; a replayed idempotent request says so in a header.</summary>
    public static IResult Created(HttpContext context, CommandResult result)
    {
        Decorate(context, result);
        return TypedResults.Created(result.Location, result);
    }

    /// <summary>200 with the write's result and the new ETag.</summary>
    public static IResult Written(HttpContext context, CommandResult result)
    {
        Decorate(context, result);
        return TypedResults.Ok(result);
    }

    /// <summary>
    /// The expected version a write is conditional on: the If-Match ETag when given (412 when the
    /// stream has moved on), otherwise the version the handler read.
    /// </summary>
    public static ExpectedVersion ExpectedFrom(string? ifMatch, long currentVersion)
    {
        if (string.IsNullOrEmpty(ifMatch) || ifMatch == "*")
        {
            return ExpectedVersion.Exactly(currentVersion);
        }

        if (!EntityTagHeaderValue.TryParse(ifMatch, out var tag) || tag.IsWeak ||
            !long.TryParse(tag.Tag.AsSpan().Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var expected))
        {
            throw new PreconditionFailedException(currentVersion, ifMatch);
        }

        return expected == currentVersion ? ExpectedVersion.Exactly(expected) : throw new PreconditionFailedException(currentVersion, ifMatch);
    }

    private static void Decorate(HttpContext context, CommandResult result)
    {
        context.Response.Headers.ETag = ETag(result.Version);
        if (result.Replayed)
        {
            context.Response.Headers[IdempotencyKeyMiddleware.ReplayedHeader] = "true";
        }
    }
}
