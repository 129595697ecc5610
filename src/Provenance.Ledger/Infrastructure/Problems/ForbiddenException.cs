namespace Provenance.Ledger.Infrastructure.Problems;

/// <summary>The caller is authenticated but may not do this (for example, a steward writing for another institution).</summary>
internal sealed class ForbiddenException(string message) : Exception(message);
