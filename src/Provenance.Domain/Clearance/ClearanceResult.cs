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
public sealed record ClearanceFacts(IReadOnlyDictionary<Guid, Dataset> Datasets, IReadOnlyList<Irb.IrbProtocol> Protocols)
{
    private Dictionary<Guid, List<Irb.IrbProtocol>>? _covering;

    /// <summary>The protocols whose terms covered the dataset at any time (indexed on first use).</summary>
    public IReadOnlyList<Irb.IrbProtocol> ProtocolsEverCovering(Guid datasetId)
    {
        if (_covering is null)
        {
            var index = new Dictionary<Guid, List<Irb.IrbProtocol>>();
            foreach (var protocol in Protocols)
            {
                foreach (var id in protocol.TermsHistory.SelectMany(t => t.Terms.CoveredDatasetIds).Distinct())
                {
                    if (!index.TryGetValue(id, out var list))
                    {
                        index[id] = list = [];
                    }

                    list.Add(protocol);
                }
            }

            _covering = index;
        }

        return _covering.TryGetValue(datasetId, out var found) ? found : [];
    }
}
