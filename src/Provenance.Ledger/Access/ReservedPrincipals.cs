using Provenance.Ledger.Infrastructure.Commands;

namespace Provenance.Ledger.Access;

/// <summary>
/// The names the service records as the actor of its own writes (#14). No key may be issued to them
/// and no token may claim them, so an event whose actor is <c>system</c> was written by the service.
/// </summary>
internal static class ReservedPrincipals
{
    /// <summary>The bootstrap administrator key's principal.</summary>
    public const string BootstrapAdmin = "bootstrap-admin";

    /// <summary>The principal of the demo seed loader's own key.</summary>
    public const string SeedLoader = "seed-loader";

    public static IReadOnlySet<string> Names { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        RequestContext.System, BootstrapAdmin, SeedLoader, RequestContext.Anonymous,
    };

    public static bool IsReserved(string? name) => name is not null && Names.Contains(name.Trim());

    public static string Reason => $"is reserved for the service's own writes ({string.Join(", ", Names.Order(StringComparer.Ordinal))})";
}
