using System.Security.Cryptography;
using System.Text;
using Provenance.Api.Infrastructure.Problems;
using Provenance.EventStore.Appending;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Problems;

namespace Provenance.Api.Infrastructure.Http;

/// <summary>Marks an endpoint that handles its Idempotency-Key itself (a streamed bulk import is never buffered whole).</summary>
internal sealed class NoRequestFingerprint;

/// <summary>
/// Reads the <c>Idempotency-Key</c> header of a write and fingerprints the request it came with
/// (method, path and body bytes), so a retry is recognised and a reuse for another request refused.
/// </summary>
internal sealed class IdempotencyKeyMiddleware(RequestDelegate next)
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    private const int MaxKeyLength = 200;

    public async Task InvokeAsync(HttpContext context, RequestContext requestContext)
    {
        if (!context.Request.Headers.TryGetValue(Header, out var values) || HttpMethods.IsGet(context.Request.Method) ||
            HttpMethods.IsHead(context.Request.Method))
        {
            await next(context);
            return;
        }

        // #14: a header that is sent must hold one valid key. An empty or blank one was ignored before,
        // so two identical requests "with a key" wrote twice.
        if (values.Count > 1)
        {
            throw new MalformedRequestException($"The {Header} header appears more than once; send one key.");
        }

        var key = values.ToString();
        if (key.Length is 0 or > MaxKeyLength || !key.All(c => c is >= '!' and <= '~'))
        {
            throw new Ledger.Infrastructure.Validation.ValidationFailedException(new Dictionary<string, string[]>
            {
                [Header] = [$"must be 1 to {MaxKeyLength} visible ASCII characters (a UUID is a good key)"],
            });
        }

        if (context.GetEndpoint()?.Metadata.GetMetadata<NoRequestFingerprint>() is not null)
        {
            await next(context);
            return;
        }

        context.Request.EnableBuffering();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{context.Request.Method}\n{context.Request.Path}\n"));
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
        {
            hash.AppendData(buffer, 0, read);
        }

        context.Request.Body.Position = 0;
        requestContext.Idempotency = new IdempotencyToken(key, hash.GetHashAndReset());
        await next(context);
    }
}
