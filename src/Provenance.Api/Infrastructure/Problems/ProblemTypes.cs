using Provenance.Ledger.Infrastructure.Problems;
namespace Provenance.Api.Infrastructure.Problems;

/// <summary>The problem type URIs this API answers with, and the one title of each (docs/api.md lists them).</summary>
internal static class ProblemTypes
{
    private const string Prefix = "urn:provenance:problem:";

    public const string MalformedRequest = Prefix + "malformed-request";
    public const string ValidationFailed = Prefix + "validation-failed";
    public const string RuleViolated = Prefix + "rule-violated";
    public const string NotFound = Prefix + "not-found";
    public const string VersionConflict = Prefix + "version-conflict";
    public const string PreconditionFailed = Prefix + "precondition-failed";
    public const string IdempotencyKeyReused = Prefix + "idempotency-key-reused";
    public const string MethodNotAllowed = Prefix + "method-not-allowed";
    public const string UnsupportedMediaType = Prefix + "unsupported-media-type";
    public const string IntegrityViolation = Prefix + "integrity-violation";
    public const string Unexpected = Prefix + "unexpected";
    public const string Unauthenticated = Prefix + "unauthenticated";
    public const string Forbidden = Prefix + "forbidden";
    public const string TooManyRequests = Prefix + "too-many-requests";
    public const string PayloadTooLarge = Prefix + "payload-too-large";
    public const string ReadOnlyInstance = Prefix + "read-only-instance";
    public const string DatabaseUnavailable = Prefix + "database-unavailable";

    /// <summary>
    /// The title of each type: the same for every occurrence of a type (RFC 9457 section 3.1.3),
    /// set on every problem the API writes, so the docs can quote it (#14).
    /// </summary>
    public static IReadOnlyDictionary<string, string> Titles { get; } = new Dictionary<string, string>
    {
        [MalformedRequest] = "The request is malformed",
        [ValidationFailed] = "The request is not valid",
        [RuleViolated] = "The command breaks the ledger's rules",
        [NotFound] = "Not found",
        [VersionConflict] = "Version conflict",
        [PreconditionFailed] = "Precondition failed",
        [IdempotencyKeyReused] = "Idempotency key reused",
        [MethodNotAllowed] = "Method not allowed",
        [UnsupportedMediaType] = "Unsupported media type",
        [IntegrityViolation] = "Integrity violation",
        [Unexpected] = "Unexpected error",
        [Unauthenticated] = "Authentication required",
        [Forbidden] = "Not allowed",
        [TooManyRequests] = "Too many requests",
        [PayloadTooLarge] = "Request body too large",
        [ReadOnlyInstance] = "Read-only instance",
        [DatabaseUnavailable] = "Database unavailable",
    };
}
