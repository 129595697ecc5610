using System.Text.Json;

namespace Provenance.Ledger.BulkImport;

/// <summary>
/// One line of a bulk import: a command name, the ids it addresses (those its REST path holds),
/// and the same body its REST endpoint takes. An optional <c>key</c> is the line's own
/// idempotency key.
/// </summary>
public sealed record ImportLine(
    string? Command,
    Guid? DatasetId,
    int? Version,
    Guid? DecisionId,
    Guid? LicenseId,
    Guid? ProtocolId,
    Guid? ModelId,
    string? ModelVersion,
    string? Key,
    JsonElement? Body);

/// <summary>What happened to one line: its number, its status, and the created resource or the problem.</summary>
public sealed record ImportResult(long Line, int Status, Guid? Id, string? Location, long? Version, bool? Replayed, object? Problem);
