using Provenance.Ledger.BulkImport;
namespace Provenance.Api.BulkImport;

/// <summary>
/// The last line of every import's answer (#14): how many lines were read, written, replayed and
/// refused, the position of the last event written or replayed, and whether every line sent was
/// answered. Its absence means the answer was cut off (a crash, a broken connection).
/// </summary>
internal sealed class ImportSummary
{
    private long _written;
    private long _replayed;
    private long _refused;
    private long? _lastPosition;
    private long? _stoppedAtLine;
    private object? _problem;
    private int? _retryAfter;

    public void Count(ImportResult result, long? position)
    {
        switch (result.Status)
        {
            case StatusCodes.Status201Created:
                _written++;
                break;
            case StatusCodes.Status200OK:
                _replayed++;
                break;
            default:
                _refused++;
                break;
        }

        if (position is { } p && p > (_lastPosition ?? 0))
        {
            _lastPosition = p;
        }
    }

    /// <summary>The import stopped before the end of the body, at <paramref name="line"/> (not run).</summary>
    public void Stop(long line, object problem, int? retryAfter) => (_stoppedAtLine, _problem, _retryAfter) = (line, problem, retryAfter);

    public ImportSummaryAnswer ToAnswer(long linesRead) =>
        new(linesRead, _written, _replayed, _refused, _lastPosition, _stoppedAtLine is null, _stoppedAtLine, _retryAfter, _problem);
}

/// <summary>What the summary line holds, under <c>"summary"</c>.</summary>
/// <param name="LinesRead">Lines read from the body, blank ones included (a line stopped at is not counted).</param>
/// <param name="Written">Lines that wrote events (201).</param>
/// <param name="Replayed">Lines answered from an earlier request under the same idempotency key (200).</param>
/// <param name="Refused">Lines answered with a problem.</param>
/// <param name="LastPosition">The log position of the last event written or replayed; null when none.</param>
/// <param name="Complete">True when every line of the body was answered.</param>
/// <param name="StoppedAtLine">When not complete: the first line not run (send it again from there).</param>
/// <param name="RetryAfter">When stopped by the rate limit: seconds to wait.</param>
/// <param name="Problem">When not complete: why.</param>
internal sealed record ImportSummaryAnswer(
    long LinesRead, long Written, long Replayed, long Refused, long? LastPosition, bool Complete, long? StoppedAtLine, int? RetryAfter, object? Problem);
