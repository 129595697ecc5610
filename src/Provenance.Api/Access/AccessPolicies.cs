using Microsoft.AspNetCore.Authorization;
using Provenance.Domain.Access;
using Provenance.Domain.Common;
using Provenance.Ledger.Access;

namespace Provenance.Api.Access;

/// <summary>
/// The authorization policies, one per kind of access, each a set of roles (docs/security.md has
/// the matrix). Endpoints name one of these; commands are checked again, per institution, by
/// <see cref="AccessBehavior{TRequest, TResponse}"/>, which also covers each line of a bulk import.
/// </summary>
internal static class AccessPolicies
{
    /// <summary>Reads of the ledger: datasets, protocols, models, their histories, lineage, clearance, checkpoints, proofs.</summary>
    public const string Read = "read";

    /// <summary>Writes on datasets (registration, versions, quarantine, retirement, de-identification, licenses, consent).</summary>
    public const string DatasetWrite = "dataset-write";

    /// <summary>IRB protocol approvals and their changes.</summary>
    public const string IrbWrite = "irb-write";

    /// <summary>Model registration, training runs, releases and withdrawals.</summary>
    public const string ModelWrite = "model-write";

    /// <summary>Bulk import: any writer; each line is then held to its own command's rule.</summary>
    public const string Import = "import";

    /// <summary>Audit bundle exports.</summary>
    public const string Export = "export";

    /// <summary>API keys, projection rebuilds and status, checkpoints on demand.</summary>
    public const string Admin = "admin";

    public static IReadOnlyDictionary<string, Role[]> Roles { get; } = new Dictionary<string, Role[]>(StringComparer.Ordinal)
    {
        [Read] = [Role.Steward, Role.IrbReviewer, Role.Regulator, Role.Admin],
        [DatasetWrite] = [Role.Steward, Role.Admin],
        [IrbWrite] = [Role.IrbReviewer, Role.Admin],
        [ModelWrite] = [Role.Steward, Role.Admin],
        [Import] = [Role.Steward, Role.IrbReviewer, Role.Admin],
        [Export] = [Role.Regulator, Role.Admin],
        [Admin] = [Role.Admin],
    };

    public static void AddPolicies(AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (name, roles) in Roles)
        {
            options.AddPolicy(name, policy => policy.RequireAuthenticatedUser().RequireRole(roles.Select(r => Names.Of(r))));
        }

        // An endpoint mapped without a rule still needs an authenticated caller; the role-matrix
        // test fails for it too, so it never ships that way.
        options.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
    }
}
