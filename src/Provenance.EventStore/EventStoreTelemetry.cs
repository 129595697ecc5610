using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Provenance.EventStore;

/// <summary>
/// The event store's traces and metrics, through the .NET diagnostics APIs (an OpenTelemetry SDK, or
/// any <see cref="MeterListener"/>, picks them up by name). Labels carry only bounded values: an
/// outcome, an event type's name. Never a stream id, a key or a payload.
/// </summary>
public static class EventStoreTelemetry
{
    /// <summary>The name of the event store's <see cref="ActivitySource"/> and <see cref="Meter"/>.</summary>
    public const string Name = "Provenance.EventStore";

    internal static readonly ActivitySource Source = new(Name);

    internal static readonly Meter Meter = new(Name);

    /// <summary>Appends by outcome: <c>appended</c>, <c>replayed</c> (an idempotent retry answered from the first result), or a refusal.</summary>
    internal static readonly Counter<long> Appends = Meter.CreateCounter<long>(
        "provenance.appends", "{append}", "Appends, by outcome: appended, replayed (idempotent retry), version-conflict, type-mismatch, key-reused, failed.");

    internal static readonly Counter<long> EventsWritten = Meter.CreateCounter<long>(
        "provenance.events.written", "{event}", "Events written to the log, by event type.");

    internal static readonly Histogram<long> BatchSize = Meter.CreateHistogram<long>(
        "provenance.group_commit.batch.size", "{append}", "Appends in each group-commit transaction.",
        advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512] });

    internal static readonly Histogram<double> AppendDuration = Meter.CreateHistogram<double>(
        "provenance.append.duration", "s", "Time from an append's call to its outcome, queueing for group commit included.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5] });

    internal static readonly Histogram<long> FollowerBatchSize = Meter.CreateHistogram<long>(
        "provenance.follower.batch.size", "{event}", "Log events each background batch (a projection's, the Merkle tree's) took.",
        advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [0, 1, 10, 100, 1000, 10000] });

    internal static string OutcomeOf(Exception e) => e switch
    {
        StreamVersionConflictException => "version-conflict",
        StreamTypeMismatchException => "type-mismatch",
        IdempotencyKeyReusedException => "key-reused",
        OperationCanceledException => "canceled",
        _ => "failed",
    };
}
