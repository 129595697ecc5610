using System.Diagnostics;
using System.Diagnostics.Metrics;
using Provenance.Domain.Common;

namespace Provenance.Ledger;

/// <summary>
/// The ledger's own traces and metrics (commands, rule refusals, checkpoint signing, witness
/// submission, exports), through the .NET diagnostics APIs. Labels carry only bounded values: a rule's
/// code, an outcome, a scope's kind, a configured witness. Never an id, a name, free text or a payload.
/// </summary>
public static class LedgerTelemetry
{
    /// <summary>The name of the ledger's <see cref="ActivitySource"/> and <see cref="Meter"/>.</summary>
    public const string Name = "Provenance.Ledger";

    internal static readonly ActivitySource Source = new(Name);

    internal static readonly Meter Meter = new(Name);

    internal static readonly Counter<long> RuleRefusals = Meter.CreateCounter<long>(
        "provenance.rule.refusals", "{violation}", "Broken rules in refused commands, by the rule's code.");

    internal static readonly Counter<long> IdempotentReplays = Meter.CreateCounter<long>(
        "provenance.idempotent.replays", "{command}", "Retried commands (same idempotency key, same request) answered with the first one's result, writing nothing.");

    internal static readonly Histogram<double> CheckpointSigning = Meter.CreateHistogram<double>(
        "provenance.checkpoint.signing.duration", "s", "Time to sign and store a checkpoint, its stream index root included.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10] });

    internal static readonly Counter<long> WitnessSubmissions = Meter.CreateCounter<long>(
        "provenance.witness.submissions", "{submission}", "Checkpoints submitted to witnesses, by outcome: cosigned, refused, unreachable, split-view.");

    internal static readonly Counter<long> ExportedEvents = Meter.CreateCounter<long>(
        "provenance.export.events", "{event}", "Events written into audit bundles, by the bundle scope's kind (its rate is the export rate).");

    internal static readonly Histogram<double> ExportDuration = Meter.CreateHistogram<double>(
        "provenance.export.duration", "s", "Time to export an audit bundle, by the scope's kind.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300] });

    internal static void Refused(RuleViolationException refusal)
    {
        foreach (var violation in refusal.Violations)
        {
            RuleRefusals.Add(1, new KeyValuePair<string, object?>("provenance.rule.code", violation.Code));
        }
    }
}
