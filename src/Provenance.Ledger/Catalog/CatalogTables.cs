namespace Provenance.Ledger.Catalog;

/// <summary>The catalog's read-model tables (created by its migrations), named once for the projection that writes them and the reader.</summary>
internal static class CatalogTables
{
    public const string Datasets = "rm_catalog_datasets";
    public const string Versions = "rm_catalog_versions";
    public const string Decisions = "rm_catalog_decisions";
    public const string Models = "rm_catalog_models";
}
