using System.Globalization;
using System.Text;

namespace Provenance.Integrity.Bundles;

/// <summary>
/// One check a bundle failed: the file, the line (from 1) where it applies, and for an event its
/// position and id.
/// </summary>
/// <param name="File">The bundle's file, e.g. <c>events.ndjson</c> (or the bundle itself, when it cannot be opened).</param>
/// <param name="Line">The line, from 1; <see langword="null"/> when the failure is about the whole file.</param>
/// <param name="Position">The event's position, when the failure is about an event.</param>
/// <param name="EventId">The event's id, when its line could be read.</param>
/// <param name="Reason">What is wrong.</param>
public sealed record BundleFailure(string File, long? Line, long? Position, Guid? EventId, string Reason)
{
    /// <summary><c>file:line: position N, event &lt;id&gt;: reason</c>, leaving out what is not known.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(File);
        if (Line is { } line)
        {
            text.Append(CultureInfo.InvariantCulture, $":{line}");
        }

        text.Append(": ");
        if (Position is { } position)
        {
            text.Append(CultureInfo.InvariantCulture, $"position {position}");
            text.Append(EventId is { } withId ? $", event {withId:D}: " : ": ");
        }
        else if (EventId is { } id)
        {
            text.Append(CultureInfo.InvariantCulture, $"event {id:D}: ");
        }

        return text.Append(Reason).ToString();
    }
}

/// <summary>How far a verification is: events checked so far, of how many the manifest announces.</summary>
/// <param name="EventsChecked">Event lines checked so far.</param>
/// <param name="EventCount">The manifest's <c>eventCount</c> (0 when the manifest could not be read).</param>
public readonly record struct BundleVerificationProgress(long EventsChecked, long EventCount);

/// <summary>
/// The outcome of verifying an audit bundle: valid when no check failed. Lists the first failures
/// (as many as the verifier reports) and counts them all, with what the bundle holds.
/// </summary>
public sealed class BundleVerificationResult
{
    private readonly List<string> _warnings = [];

    private readonly List<BundleFailure> _failures = [];

    internal BundleVerificationResult(string location, int maxFailures)
    {
        Location = location;
        MaxFailures = maxFailures;
    }

    /// <summary>Whether every check passed.</summary>
    public bool IsValid => FailureCount == 0;

    /// <summary>The bundle's path.</summary>
    public string Location { get; }

    /// <summary>The first failures, in the order found, up to the verifier's limit.</summary>
    public IReadOnlyList<BundleFailure> Failures => _failures;

    /// <summary>How many failures there were in all (more than <see cref="Failures"/> lists when the limit was reached).</summary>
    public long FailureCount { get; private set; }

    /// <summary>
    /// No key was given, so the checkpoint was checked with the bundle's own <c>public-key.txt</c>:
    /// that shows the bundle is consistent, not that the log's operator signed it.
    /// </summary>
    public bool TrustedBundleKey { get; internal set; }

    /// <summary>The verifier key the checkpoint was checked with (text form), if there was one.</summary>
    public string? Key { get; internal set; }

    /// <summary>Whether the checkpoint's signature verified with <see cref="Key"/>.</summary>
    public bool CheckpointVerified { get; internal set; }

    /// <summary>The log's origin, from the checkpoint (or else the manifest).</summary>
    public string? Origin { get; internal set; }

    /// <summary>The checkpoint's tree size.</summary>
    public ulong? TreeSize { get; internal set; }

    /// <summary>The checkpoint's root hash, in base64.</summary>
    public string? RootHash { get; internal set; }

    /// <summary>The manifest's scope, when it could be read.</summary>
    public BundleScope? Scope { get; internal set; }

    /// <summary>The lines of <c>events.ndjson</c> read.</summary>
    public long EventCount { get; internal set; }

    /// <summary>The events whose inclusion proof verified against the checkpoint's root.</summary>
    public long ProofsVerified { get; internal set; }

    /// <summary>#18: how many citations of the scope documents (model card, disclosure) named a proved event of the bundle.</summary>
    public long CitationsVerified { get; internal set; }

    /// <summary>The streams the manifest claims complete (checked against the events).</summary>
    public IReadOnlyList<StreamClaim> Streams { get; internal set; } = [];

    /// <summary>The positions the manifest claims complete, for a time range.</summary>
    public PositionRange? Positions { get; internal set; }

    /// <summary>The bundle's format version (1 or 2), as its manifest states it.</summary>
    public int FormatVersion { get; internal set; }

    /// <summary>What the checkpoint's cosignatures show for the witnesses the verifier was given (#17), or null when it was given none.</summary>
    public Witnessing.WitnessCheck? Witnesses { get; internal set; }

    /// <summary>What holds but limits what the bundle proves (a version 1 bundle's completeness is its exporter's claim).</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    internal int MaxFailures { get; }

    /// <summary>Takes in the failures another check collected on its own (they are listed after this one's).</summary>
    internal void Add(BundleVerificationResult other)
    {
        FailureCount += other.FailureCount;
        _failures.AddRange(other._failures.Take(MaxFailures - _failures.Count));
    }

    internal void Warn(string warning) => _warnings.Add(warning);

    internal void Fail(string file, long? line, string reason, long? position = null, Guid? eventId = null)
    {
        FailureCount++;
        if (_failures.Count < MaxFailures)
        {
            _failures.Add(new BundleFailure(file, line, position, eventId, reason));
        }
    }
}
