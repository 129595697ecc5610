using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.RateLimiting;
using MediatR;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Provenance.Ledger.Infrastructure.Json;
using Provenance.Api.Infrastructure.Problems;
using Provenance.EventStore.Appending;
using Provenance.Ledger.BulkImport;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Problems;
using Provenance.Ledger.Infrastructure.Validation;

namespace Provenance.Api.BulkImport.Importing;

/// <summary>
/// <c>POST /imports</c>: NDJSON in, one NDJSON result per line out, streamed both ways so an import
/// of any length runs in bounded memory: a line is held only up to <see cref="MaxLineBytes"/> while
/// it is read (#14), and the whole body is bounded by <c>Provenance:Limits:MaxImportBodyBytes</c>.
/// Each line is its own atomic command; a bad line is answered with its problem and the import goes
/// on. With an <c>Idempotency-Key</c> K on the request, line N is idempotent under <c>K#N</c> (or
/// under the line's own <c>key</c>), so re-sending a whole import writes nothing twice. A client that
/// sends a long file in several requests passes <c>?firstLine=N</c> so each part's lines keep their
/// numbers (and keys) in the whole file. Every line written spends one request of the caller's rate
/// limit; when none is left the import stops at that line. The answer always ends with a summary
/// line, so a client can tell a complete answer from one cut off.
/// </summary>
internal static class ImportEndpoint
{
    public const string NdJson = "application/x-ndjson";

    /// <summary>The longest line, in bytes of UTF-8.</summary>
    public const int MaxLineBytes = 4 * 1024 * 1024;

    public static async Task Handle(
        HttpContext context, IMediator mediator, RequestContext requestContext, IOptions<RateLimiterOptions> rateLimits, long? firstLine,
        CancellationToken cancellationToken)
    {
        if (firstLine is < 1)
        {
            throw new ValidationFailedException(new Dictionary<string, string[]> { ["firstLine"] = ["must be 1 or more"] });
        }

        if (!Infrastructure.Http.MediaTypes.IsNdjson(context.Request.ContentType))
        {
            throw new BadHttpRequestException("Send the import as application/x-ndjson (charset utf-8, or none).", StatusCodes.Status415UnsupportedMediaType);
        }

        var importKey = context.Request.Headers["Idempotency-Key"].ToString();
        var limiter = rateLimits.Value.GlobalLimiter;
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = NdJson;
        await using var writer = new StreamWriter(context.Response.Body, new UTF8Encoding(false), bufferSize: 16 * 1024);
        var reader = new NdjsonLineReader(context.Request.BodyReader, MaxLineBytes);
        var summary = new ImportSummary();
        var lineNumber = (firstLine ?? 1) - 1;
        while (true)
        {
            NdjsonLine? next;
            try
            {
                next = await reader.ReadAsync(cancellationToken);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                summary.Stop(lineNumber + 1, ProblemMapping.ToProblem(e)!, retryAfter: null);
                break;
            }

            if (next is not { } line)
            {
                break;
            }

            lineNumber++;
            if (line.Problem == NdjsonLineProblem.None && string.IsNullOrWhiteSpace(line.Text))
            {
                continue;
            }

            // A line may run only while the caller has a request left; one that writes spends it.
            if (limiter?.AttemptAcquire(context, 0) is { IsAcquired: false } refused)
            {
                var retryAfter = refused.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                // The line is not run and gets no result of its own: the summary says where to resume.
                summary.Stop(lineNumber, TooManyRequests(seconds), seconds);
                lineNumber--;
                break;
            }

            var (result, position) = await RunLineAsync(lineNumber, line, importKey, mediator, requestContext, cancellationToken);
            if (result.Status == StatusCodes.Status201Created)
            {
                limiter?.AttemptAcquire(context, 1).Dispose();
            }

            summary.Count(result, position);
            await WriteAsync(writer, result, cancellationToken);
        }

        await writer.WriteLineAsync(JsonSerializer.Serialize(new { summary = summary.ToAnswer(lineNumber - (firstLine ?? 1) + 1) }, ApiJson.Options).AsMemory(), cancellationToken);
        await writer.FlushAsync(cancellationToken);
    }

    private static async Task WriteAsync(StreamWriter writer, ImportResult result, CancellationToken cancellationToken)
    {
        await writer.WriteLineAsync(JsonSerializer.Serialize(result, ApiJson.Options).AsMemory(), cancellationToken);
        await writer.FlushAsync(cancellationToken);
    }

    private static async Task<(ImportResult Result, long? Position)> RunLineAsync(
        long lineNumber, NdjsonLine line, string importKey, IMediator mediator, RequestContext requestContext, CancellationToken cancellationToken)
    {
        try
        {
            var text = line.Problem switch
            {
                NdjsonLineProblem.TooLong => throw new ValidationFailedException(new Dictionary<string, string[]>
                {
                    ["$"] = [$"a line may hold at most {MaxLineBytes:N0} bytes; this one was not read past that"],
                }),
                NdjsonLineProblem.NotUtf8 => throw new ValidationFailedException(new Dictionary<string, string[]> { ["$"] = ["is not valid UTF-8"] }),
                _ => line.Text!,
            };
            var parsed = Deserialize<ImportLine>(text);
            var key = parsed.Key ?? (importKey.Length > 0 ? $"{importKey}#{lineNumber}" : null);
            requestContext.Idempotency = key is null ? null : new IdempotencyToken(key, SHA256.HashData(Encoding.UTF8.GetBytes("import\n" + text)));
            var command = ImportCommands.ToCommand(parsed);
            var result = await mediator.Send(command, cancellationToken);
            return (new ImportResult(lineNumber, result.Replayed ? StatusCodes.Status200OK : StatusCodes.Status201Created,
                result.Id, result.Location, result.Version, result.Replayed, null), result.LastPosition);
        }
        catch (Exception e) when (ProblemMapping.ToProblem(e) is { } problem)
        {
            return (new ImportResult(lineNumber, problem.Status ?? StatusCodes.Status400BadRequest, null, null, null, null, problem), null);
        }
        finally
        {
            requestContext.Idempotency = null;
        }
    }

    private static ProblemDetails TooManyRequests(int seconds) => new()
    {
        Status = StatusCodes.Status429TooManyRequests,
        Type = ProblemTypes.TooManyRequests,
        Title = "Too many requests",
        Detail = $"Each line written counts as one request, and this caller has none left; the import stopped before this line. " +
                 $"Send the rest again in {seconds} s (lines already written are replayed, not written twice, under the same Idempotency-Key).",
    };

    private static T Deserialize<T>(string text)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(text, ApiJson.Options) ?? throw new JsonException("The line is null.", "$", null, null);
        }
        catch (JsonException e)
        {
            throw new BadHttpRequestException("The line is malformed.", StatusCodes.Status400BadRequest, e);
        }
    }
}
