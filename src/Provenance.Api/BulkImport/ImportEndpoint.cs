using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MediatR;
using Provenance.Api.Infrastructure.Commands;
using Provenance.Api.Infrastructure.Json;
using Provenance.Api.Infrastructure.Problems;
using Provenance.Api.Infrastructure.Validation;
using Provenance.EventStore.Appending;

namespace Provenance.Api.BulkImport;

/// <summary>
/// <c>POST /imports</c>: NDJSON in, one NDJSON result per line out, streamed both ways so an import
/// of any length runs in bounded memory. Each line is its own atomic command; a bad line is
/// answered with its problem and the import goes on. With an <c>Idempotency-Key</c> K on the
/// request, line N is idempotent under <c>K#N</c> (or under the line's own <c>key</c>), so
/// re-sending a whole import writes nothing twice. A client that sends a long file in several
/// requests passes <c>?firstLine=N</c> so each part's lines keep their numbers (and keys) in the
/// whole file. The request body is never held whole, so it is exempt from the general body limit
/// (<see cref="Infrastructure.Http.LargeRequestBody"/>): unlimited unless <c>Provenance:Limits:MaxImportBodyBytes</c> is set.
/// </summary>
internal static class ImportEndpoint
{
    public const string NdJson = "application/x-ndjson";
    private const int MaxLineLength = 4 * 1024 * 1024;

    public static async Task Handle(HttpContext context, IMediator mediator, RequestContext requestContext, long? firstLine, CancellationToken cancellationToken)
    {
        if (firstLine is < 1)
        {
            throw new ValidationFailedException(new Dictionary<string, string[]> { ["firstLine"] = ["must be 1 or more"] });
        }

        if (!string.Equals(context.Request.ContentType?.Split(';')[0].Trim(), NdJson, StringComparison.OrdinalIgnoreCase))
        {
            throw new BadHttpRequestException("Send the import as application/x-ndjson.", StatusCodes.Status415UnsupportedMediaType);
        }

        var importKey = context.Request.Headers["Idempotency-Key"].ToString();
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = NdJson;
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 64 * 1024);
        await using var writer = new StreamWriter(context.Response.Body, new UTF8Encoding(false), bufferSize: 16 * 1024);
        var lineNumber = (firstLine ?? 1) - 1;
        string? text;
        while ((text = await reader.ReadLineAsync(cancellationToken)) is not null)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            var result = await RunLineAsync(lineNumber, text, importKey, mediator, requestContext, cancellationToken);
            await writer.WriteLineAsync(JsonSerializer.Serialize(result, ProvenanceJson.Options).AsMemory(), cancellationToken);
            await writer.FlushAsync(cancellationToken);
        }
    }

    private static async Task<ImportResult> RunLineAsync(
        long lineNumber, string text, string importKey, IMediator mediator, RequestContext requestContext, CancellationToken cancellationToken)
    {
        try
        {
            if (text.Length > MaxLineLength)
            {
                throw new ValidationFailedException(new Dictionary<string, string[]> { ["$"] = [$"a line may hold at most {MaxLineLength} characters"] });
            }

            var line = Deserialize<ImportLine>(text);
            var key = line.Key ?? (importKey.Length > 0 ? $"{importKey}#{lineNumber}" : null);
            requestContext.Idempotency = key is null ? null : new IdempotencyToken(key, SHA256.HashData(Encoding.UTF8.GetBytes("import\n" + text)));
            var command = ImportCommands.ToCommand(line);
            var result = await mediator.Send(command, cancellationToken);
            return new ImportResult(lineNumber, result.Replayed ? StatusCodes.Status200OK : StatusCodes.Status201Created,
                result.Id, result.Location, result.Version, result.Replayed, null);
        }
        catch (Exception e) when (ProblemMapping.ToProblem(e) is { } problem)
        {
            return new ImportResult(lineNumber, problem.Status ?? StatusCodes.Status400BadRequest, null, null, null, null, problem);
        }
        finally
        {
            requestContext.Idempotency = null;
        }
    }

    private static T Deserialize<T>(string text)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(text, ProvenanceJson.Options) ?? throw new JsonException("The line is null.", "$", null, null);
        }
        catch (JsonException e)
        {
            throw new BadHttpRequestException("The line is malformed.", StatusCodes.Status400BadRequest, e);
        }
    }
}
