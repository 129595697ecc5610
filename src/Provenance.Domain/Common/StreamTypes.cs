namespace Provenance.Domain.Common;

/// <summary>The kinds of stream the ledger keeps, as stored in the streams table.</summary>
public static class StreamTypes
{
    /// <summary>A dataset with its versions, decisions, licenses and consent withdrawals.</summary>
    public const string Dataset = "dataset";

    /// <summary>An IRB protocol with its approval and changes.</summary>
    public const string IrbProtocol = "irb-protocol";

    /// <summary>A model with its training runs and versions.</summary>
    public const string Model = "model";

    /// <summary>An API key with its issuance, expiry changes and revocation.</summary>
    public const string ApiKey = "api-key";
}
