namespace Provenance.Domain.Common;

/// <summary>The kinds of stream the ledger keeps, as stored in the streams table.</summary>
public static class StreamTypes
{
    public const string Dataset = "dataset";
}
