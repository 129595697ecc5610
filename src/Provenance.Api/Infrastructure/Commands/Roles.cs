namespace Provenance.Api.Infrastructure.Commands;

/// <summary>The roles the ledger knows. Until authentication lands (issue #6) every caller is anonymous.</summary>
internal static class Roles
{
    public const string Admin = "admin";
}
