using System.ComponentModel.DataAnnotations;

namespace Provenance.Ledger.Interop;

/// <summary>
/// <c>Provenance:Interop</c> (#19): what the standard documents say of the ledger's operator, which
/// no event records: the publisher of OASIS DPS documents, the origin geography when a dataset does
/// not state one, the OpenLineage job namespace, and the public address documents link back to.
/// </summary>
public sealed class InteropOptions
{
    public const string Section = "Provenance:Interop";

    /// <summary>The organization operating the ledger (DPS <c>set.publisher.name</c>).</summary>
    [Required(AllowEmptyStrings = false)]
    public string PublisherName { get; set; } = "Provenance ledger operator";

    /// <summary>A URL the operator controls (DPS <c>set.publisher.namespace</c>).</summary>
    [Required, Url]
    public string PublisherNamespace { get; set; } = "https://provenance.example.org/";

    /// <summary>How to reach the operator (DPS <c>set.publisher.contact-details</c>); optional.</summary>
    public string? PublisherContact { get; set; }

    /// <summary>The country the ledger's datasets were collected in (DPS <c>provenance.origin-geography</c>).</summary>
    [Required(AllowEmptyStrings = false)]
    public string OriginCountry { get; set; } = "United States";

    /// <summary>The public base address of the API, for links in documents (DPS <c>source.location</c>, OpenLineage <c>_schemaURL</c>).</summary>
    [Required, Url]
    public string PublicBaseUrl { get; set; } = "http://127.0.0.1:5080";

    /// <summary>The OpenLineage namespace of the ledger's jobs and datasets.</summary>
    [Required(AllowEmptyStrings = false)]
    public string OpenLineageNamespace { get; set; } = "provenance";

    internal string Link(string path) => PublicBaseUrl.TrimEnd('/') + path;
}
