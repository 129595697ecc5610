using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Provenance.Domain.Common;
using Provenance.EventStore;
using Provenance.EventStore.Integrity;
using Provenance.Ledger.Infrastructure.Problems;
using Provenance.Ledger.Infrastructure.Validation;

namespace Provenance.Api.Infrastructure.Problems;

/// <summary>
/// The one mapping from failures to RFC 9457 problem details. Anything not listed here is an
/// unexpected error: 500, a trace id, and no detail for the client.
/// </summary>
internal static class ProblemMapping
{
    public static ProblemDetails? ToProblem(Exception exception) => Titled(exception switch
    {
        ValidationFailedException e => Validation(e.Errors),
        RuleViolationException e => RuleViolated(e.Violations),
        NotFoundException e => Problem(StatusCodes.Status404NotFound, ProblemTypes.NotFound, "Not found", e.Message),
        ForbiddenException e => Problem(StatusCodes.Status403Forbidden, ProblemTypes.Forbidden, "Not allowed", e.Message),
        StreamVersionConflictException e => WithExtensions(
            Problem(StatusCodes.Status409Conflict, ProblemTypes.VersionConflict, "Version conflict",
                $"The resource changed: it is at version {e.CurrentVersion}, the request expected {e.Expected}. Read it again and retry."),
            ("streamId", e.StreamId), ("currentVersion", e.CurrentVersion)),
        PreconditionFailedException e => WithExtensions(
            Problem(StatusCodes.Status412PreconditionFailed, ProblemTypes.PreconditionFailed, "Precondition failed", e.Message),
            ("currentVersion", e.CurrentVersion)),
        StreamTypeMismatchException e => Problem(StatusCodes.Status404NotFound, ProblemTypes.NotFound, "Not found",
            $"No resource of this kind has the id {e.StreamId}."),
        IdempotencyKeyReusedException => Problem(StatusCodes.Status422UnprocessableEntity, ProblemTypes.IdempotencyKeyReused,
            "Idempotency key reused", "This Idempotency-Key was already used with a different request. Use a new key for a new request."),
        BadHttpRequestException e => BadRequest(e),
        MalformedBodyException e => MalformedJson(e.Json),
        LogIntegrityException e => Problem(StatusCodes.Status500InternalServerError, ProblemTypes.IntegrityViolation, "Integrity violation", e.Message),
        _ => null,
    });

    /// <summary>Gives a problem its type's one title (<see cref="ProblemTypes.Titles"/>).</summary>
    public static ProblemDetails? Titled(ProblemDetails? problem)
    {
        if (problem?.Type is { } type && ProblemTypes.Titles.TryGetValue(type, out var title))
        {
            problem.Title = title;
        }

        return problem;
    }

    /// <summary>
    /// Problems the framework writes itself (no route, wrong method, wrong media type) get this
    /// API's problem types too, and every problem gets a trace id.
    /// </summary>
    public static void Customize(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var problem = context.ProblemDetails;
        if (problem.Type is null || problem.Type.StartsWith("https://tools.ietf.org/", StringComparison.Ordinal))
        {
            (problem.Type, problem.Title, problem.Detail) = problem.Status switch
            {
                StatusCodes.Status404NotFound => (ProblemTypes.NotFound, "Not found", problem.Detail ?? "No resource is at this address."),
                StatusCodes.Status405MethodNotAllowed => (ProblemTypes.MethodNotAllowed, "Method not allowed", problem.Detail ?? "This address does not accept this method."),
                StatusCodes.Status415UnsupportedMediaType => (ProblemTypes.UnsupportedMediaType, "Unsupported media type", problem.Detail ?? "Send the body as application/json."),
                StatusCodes.Status400BadRequest => (ProblemTypes.MalformedRequest, "Bad request", problem.Detail),
                // #14: Kestrel refuses a chunked body past its limit before the pipeline sees it.
                StatusCodes.Status413PayloadTooLarge => (ProblemTypes.PayloadTooLarge, "Request body too large", TooLargeDetail(context.HttpContext)),
                _ => (problem.Type, problem.Title, problem.Detail),
            };
        }

        Titled(problem);
        problem.Extensions["traceId"] = System.Diagnostics.Activity.Current?.Id ?? context.HttpContext.TraceIdentifier;
    }

    private static string TooLargeDetail(HttpContext context) =>
        context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize is { } max
            ? $"The request body is larger than the {max:N0} bytes this endpoint accepts."
            : "The request body is larger than this endpoint accepts.";

    public static ProblemDetails Validation(IReadOnlyDictionary<string, string[]> errors)
    {
        var problem = new ValidationProblemDetails(errors.ToDictionary(e => e.Key, e => e.Value))
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Type = ProblemTypes.ValidationFailed,
            Title = "The request is not valid",
            Detail = string.Join("; ", errors.SelectMany(e => e.Value.Select(reason => $"{e.Key} {reason}"))),
        };
        return problem;
    }

    private static ValidationProblemDetails RuleViolated(IReadOnlyList<RuleViolation> violations)
    {
        var problem = new ValidationProblemDetails(
            violations.GroupBy(v => v.Field).ToDictionary(g => g.Key, g => g.Select(v => v.Reason).ToArray()))
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Type = ProblemTypes.RuleViolated,
            Title = "The command breaks the ledger's rules",
            Detail = string.Join(" ", violations.Select(v => v.Reason)),
        };
        problem.Extensions["violations"] = violations.Select(v => new { field = v.Field, code = v.Code, reason = v.Reason }).ToArray();
        return problem;
    }

    private static ProblemDetails BadRequest(BadHttpRequestException exception)
    {
        if (exception is MalformedRequestException)
        {
            return Problem(StatusCodes.Status400BadRequest, ProblemTypes.MalformedRequest, "Bad request", exception.Message);
        }

        if (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, ProblemTypes.PayloadTooLarge, "Request body too large",
                exception.Message.StartsWith("The request body ", StringComparison.Ordinal) ? exception.Message : "The request body is larger than this endpoint accepts.");
        }

        if (exception.StatusCode == StatusCodes.Status415UnsupportedMediaType)
        {
            // Our own refusals say which media type to send; the framework's name .NET types.
            return Problem(StatusCodes.Status415UnsupportedMediaType, ProblemTypes.UnsupportedMediaType, "Unsupported media type",
                exception.Message.StartsWith("Send ", StringComparison.Ordinal) ? exception.Message : "Send the body as application/json.");
        }

        if (exception.InnerException is JsonException json)
        {
            return MalformedJson(json);
        }

        // "Failed to bind parameter \"DateTimeOffset? asOf\" from \"x\"." names a query or route value.
        var bound = System.Text.RegularExpressions.Regex.Match(exception.Message, "^Failed to bind parameter \"[^\"]*?(?<name>\\w+)\" from");
        if (bound.Success)
        {
            var name = bound.Groups["name"].Value;
            return new ValidationProblemDetails(new Dictionary<string, string[]> { [name] = ["is not a valid value (dates as YYYY-MM-DD, instants as ISO 8601 with an offset, URL-encoded)"] })
            {
                Status = StatusCodes.Status400BadRequest,
                Type = ProblemTypes.MalformedRequest,
                Title = "A query or route value is malformed",
                Detail = $"{name} is not a valid value.",
            };
        }

        return Problem(StatusCodes.Status400BadRequest, ProblemTypes.MalformedRequest, "Bad request",
            exception.Message.Contains("body", StringComparison.OrdinalIgnoreCase)
                ? "The request needs a JSON body." : "The request is malformed.");
    }

    private static ValidationProblemDetails MalformedJson(JsonException json)
    {
        var field = FieldFromPath(json.Path);
        var reason = json.Message switch
        {
            var m when m.Contains("could not be mapped", StringComparison.Ordinal) => "is not a known field",
            var m when m.Contains("maximum configured depth", StringComparison.Ordinal) => "is nested too deeply",
            var m when m.Contains("Duplicate", StringComparison.OrdinalIgnoreCase) => "appears more than once",
            _ when json.InnerException?.Message.Contains("UTF-16", StringComparison.Ordinal) == true =>
                "is not valid Unicode text: it holds an unpaired surrogate",
            _ when json.Path is null or "$" => "is not valid JSON",
            _ => "has a value of the wrong type or is malformed JSON",
        };
        var unknown = UnknownProperty(json.Message);
        var errors = new Dictionary<string, string[]> { [unknown ?? field] = [reason] };
        return new ValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status400BadRequest,
            Type = ProblemTypes.MalformedRequest,
            Title = "The request body is malformed",
            Detail = $"{unknown ?? field} {reason}.",
        };
    }

    private static string FieldFromPath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "$";
        }

        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }

    private static string? UnknownProperty(string message)
    {
        // "The JSON property 'x' could not be mapped to any .NET member contained in type ..."
        const string marker = "The JSON property '";
        var start = message.IndexOf(marker, StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        start += marker.Length;
        var end = message.IndexOf('\'', start);
        return end > start ? message[start..end] : null;
    }

    private static ProblemDetails Problem(int status, string type, string title, string detail) =>
        new() { Status = status, Type = type, Title = title, Detail = detail };

    private static ProblemDetails WithExtensions(ProblemDetails problem, params (string Key, object Value)[] extensions)
    {
        foreach (var (key, value) in extensions)
        {
            problem.Extensions[key] = value;
        }

        return problem;
    }
}
