namespace Provenance.EventStore.Appending;

/// <summary>
/// A client's idempotency key and the hash of the request it came with. An append carrying a
/// key that was already used returns the first append's result instead of writing again; the
/// same key with another request hash is refused.
/// </summary>
/// <param name="Key">The client's key (scoped by the caller as it sees fit).</param>
/// <param name="RequestHash">SHA-256 of the canonical request.</param>
public sealed record IdempotencyToken(string Key, byte[] RequestHash);
