namespace Provenance.Domain.Datasets;

/// <summary>One version of one dataset: what training runs and derivations point at.</summary>
public sealed record DatasetVersionRef(Guid DatasetId, int Version)
{
    public override string ToString() => $"{DatasetId}@v{Version}";
}
