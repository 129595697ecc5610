using Provenance.Api.Infrastructure.Commands;

namespace Provenance.Api.Access;

/// <summary>
/// The names the service records as the actor of its own writes (#14). No key may be issued to them
/// and no token may claim them, so an event whose actor is <c>system</c> was written by the service.
/// </summary>
internal static class ReservedPrincipals
{
    public static IReadOnlySet<string> Names { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        RequestContext.System, BootstrapKey.Principal, Seeding.DemoKeys.SeedLoaderPrincipal, RequestContext.Anonymous,
    };

    public static bool IsReserved(string? name) => name is not null && Names.Contains(name.Trim());

    public static string Reason => $"is reserved for the service's own writes ({string.Join(", ", Names.Order(StringComparer.Ordinal))})";
}
