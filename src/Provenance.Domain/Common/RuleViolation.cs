namespace Provenance.Domain.Common;

/// <summary>One broken rule: which field (when one is to blame), a stable code, and the reason in plain words.</summary>
public sealed record RuleViolation(string Field, string Code, string Reason);
