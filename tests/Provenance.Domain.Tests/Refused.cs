using Provenance.Domain.Common;

namespace Provenance.Domain.Tests;

/// <summary>Runs a decision expected to break rules and hands back what it reported.</summary>
internal static class Refused
{
    public static IReadOnlyList<RuleViolation> Violations(Action decide) => Assert.Throws<RuleViolationException>(decide).Violations;

    public static string[] Codes(Action decide) => Violations(decide).Select(v => v.Code).ToArray();

    public static RuleViolation Single(Action decide) => Assert.Single(Violations(decide));
}
