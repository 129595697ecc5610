namespace Provenance.Ledger.Streams;

/// <summary>
/// A part of a stream's state (a dataset's version, a model's training run…) with the version of
/// the stream it was read from, which the HTTP edge sends as its ETag.
/// </summary>
internal sealed record Versioned<T>(T Value, long Version);
