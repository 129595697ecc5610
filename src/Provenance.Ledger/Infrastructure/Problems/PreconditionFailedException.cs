namespace Provenance.Ledger.Infrastructure.Problems;

/// <summary>An If-Match precondition did not hold: the resource is at another version.</summary>
internal sealed class PreconditionFailedException(long currentVersion, string expected)
    : Exception($"If-Match expected version {expected}; the resource is at version {currentVersion}.")
{
    public long CurrentVersion { get; } = currentVersion;
}
