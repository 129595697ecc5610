namespace Provenance.Ledger.Lineage;

/// <summary>The lineage graph's read-model tables (created by its migrations), named once for the projection that writes them and the reader.</summary>
internal static class LineageTables
{
    public const string DatasetVersions = "rm_lineage_dataset_versions";
    public const string Derivations = "rm_lineage_derivations";
    public const string TrainingRuns = "rm_lineage_training_runs";
    public const string TrainingInputs = "rm_lineage_training_inputs";
    public const string IrbCoverage = "rm_lineage_irb_coverage";
    public const string RunUpstream = "rm_lineage_run_upstream";
}
