namespace Provenance.Cli.Importing;

/// <summary>What to import, and how.</summary>
/// <param name="File">The NDJSON file of commands.</param>
/// <param name="IdempotencyKey">Sent as <c>Idempotency-Key</c>: line N is then idempotent under <c>key#N</c>.</param>
/// <param name="FailuresFile">Where to write every failed line's result, as NDJSON.</param>
/// <param name="ResultsFile">Where to write every line's result (with the ids created), as NDJSON.</param>
internal sealed record ImportRequest(FileInfo File, string? IdempotencyKey = null, FileInfo? FailuresFile = null, FileInfo? ResultsFile = null);

/// <summary>How an import ended: the process exit code and what the API answered.</summary>
internal sealed record ImportOutcome(int ExitCode, ImportTally Tally);

/// <summary>The import cannot go on; the message says why and what to do, without a stack trace.</summary>
internal sealed class ImportAbortedException(string message, Exception? innerException = null) : Exception(message, innerException);
