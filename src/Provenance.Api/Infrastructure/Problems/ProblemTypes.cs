namespace Provenance.Api.Infrastructure.Problems;

/// <summary>The problem type URIs this API answers with (docs/api.md lists them).</summary>
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
}
