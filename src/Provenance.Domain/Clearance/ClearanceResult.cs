using Provenance.Domain.Datasets;

namespace Provenance.Domain.Clearance;

/// <summary>Why a dataset version is not cleared, in plain words, with a stable code.</summary>
/// <param name="Version">The version the finding is about (a parent's finding names the parent).</param>
/// <param name="Code">A stable code: deidentification-missing, irb-expired, license-missing, …</param>
/// <param name="Message">The finding in plain words, with names, numbers and dates.</param>
public sealed record ClearanceFinding(DatasetVersionRef Version, string Code, string Message);

/// <summary>Whether a dataset version was cleared for training on a day, and if not, why.</summary>
public sealed record ClearanceResult(DatasetVersionRef Version, DateOnly Day, IReadOnlyList<ClearanceFinding> Findings)
{
    public bool Cleared => Findings.Count == 0;
}

/// <summary>What clearance is judged on: the datasets involved and the IRB protocols covering them.</summary>
public sealed record ClearanceFacts(IReadOnlyDictionary<Guid, Dataset> Datasets, IReadOnlyList<Irb.IrbProtocol> Protocols);
