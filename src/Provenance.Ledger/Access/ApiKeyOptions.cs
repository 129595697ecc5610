using System.ComponentModel.DataAnnotations;

namespace Provenance.Ledger.Access;

/// <summary>How presented API keys are looked up (<c>Provenance:Auth</c>, beside the host's authentication settings).</summary>
internal sealed class ApiKeyOptions
{
    public const string Section = "Provenance:Auth";

    /// <summary>
    /// How long a key, once matched, is trusted without reading its stream again (default one second;
    /// zero reads it on every request). A revocation or expiry change recorded through this instance
    /// holds from its next request whatever this says; one recorded through another instance holds
    /// here within this time (#7: reading the key's stream was a quarter of a write request's work).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan KeyRecheckInterval { get; set; } = TimeSpan.FromSeconds(1);
}
