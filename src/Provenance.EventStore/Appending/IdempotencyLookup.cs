namespace Provenance.EventStore.Appending;

/// <summary>The stored outcome of an idempotency key.</summary>
/// <param name="RequestHash">The hash of the request that first used the key.</param>
/// <param name="Result">What that request wrote.</param>
public sealed record IdempotencyLookup(byte[] RequestHash, AppendResult Result);
