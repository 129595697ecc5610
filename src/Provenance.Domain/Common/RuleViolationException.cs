namespace Provenance.Domain.Common;

/// <summary>A command broke one or more rules; it decided no events.</summary>
public sealed class RuleViolationException(IReadOnlyList<RuleViolation> violations)
    : Exception("The command breaks " + violations.Count + " rule(s): " + string.Join("; ", violations.Select(v => v.Reason)))
{
    public IReadOnlyList<RuleViolation> Violations { get; } = violations;

    public static void ThrowIfAny(IReadOnlyList<RuleViolation> violations)
    {
        if (violations.Count > 0)
        {
            throw new RuleViolationException(violations);
        }
    }
}
