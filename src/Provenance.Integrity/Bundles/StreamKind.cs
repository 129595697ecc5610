namespace Provenance.Integrity.Bundles;

/// <summary>
/// The kinds of stream a manifest can claim (docs/events.md, "Streams"): the event that opens
/// each, and the areas (the part of a wire name before the dot) of the events it holds.
/// </summary>
internal sealed record StreamKind(string StreamType, string FirstEventType, IReadOnlyList<string> Areas)
{
    public static IReadOnlyList<StreamKind> All { get; } =
    [
        new("dataset", LedgerEventTypes.DatasetRegistered, ["dataset", "deidentification", "license", "consent"]),
        new("irb-protocol", LedgerEventTypes.IrbProtocolApproved, ["irb"]),
        new("model", LedgerEventTypes.ModelRegistered, ["model"]),
    ];

    public static StreamKind? OfStreamType(string streamType) => All.FirstOrDefault(k => k.StreamType == streamType);

    public static StreamKind? OpenedBy(string eventType) => All.FirstOrDefault(k => k.FirstEventType == eventType);

    /// <summary>Whether an event of this type can belong to a stream of this kind.</summary>
    public bool Holds(string eventType)
    {
        var dot = eventType.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && Areas.Contains(eventType[..dot]);
    }
}
