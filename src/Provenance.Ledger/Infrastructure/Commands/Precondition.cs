using Provenance.EventStore;
using Provenance.Ledger.Infrastructure.Problems;

namespace Provenance.Ledger.Infrastructure.Commands;

/// <summary>
/// The version a write is conditional on, as the client stated it (HTTP's <c>If-Match</c>, parsed at
/// the endpoint, #15). <see cref="Version"/> is null when what was sent is not a version at all: the
/// precondition then fails, whatever the stream's version.
/// </summary>
internal sealed record Precondition(long? Version, string Stated)
{
    /// <summary>
    /// The expected version of the append: the precondition's, when it holds (412 when it doesn't),
    /// otherwise the version the handler read. Checked before the ledger's rules, so a stale
    /// precondition is a 412 whatever they would say (#14).
    /// </summary>
    public static ExpectedVersion Check(Precondition? precondition, long currentVersion) => precondition switch
    {
        null => ExpectedVersion.Exactly(currentVersion),
        { Version: { } expected } when expected == currentVersion => ExpectedVersion.Exactly(expected),
        _ => throw new PreconditionFailedException(currentVersion, precondition.Stated),
    };
}
