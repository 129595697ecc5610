using Provenance.Domain.Clearance;
using Provenance.Domain.Datasets;

namespace Provenance.Ledger.Lineage;

/// <summary>Turns graph rows and ledger facts into nodes (with their records and clearance) and edges.</summary>
internal sealed class LineageGraphBuilder(LedgerFacts facts, bool commercialUse, DateOnly today, LineageDetail detail = LineageDetail.Summary)
{
    private readonly ClearanceRules.Judge _judge = new(facts.Clearance, commercialUse);
    private readonly List<LineageNode> _nodes = [];
    private readonly List<LineageEdge> _edges = [];
    private readonly Dictionary<string, LineageNode> _byId = [];
    private readonly Dictionary<Guid, IrbApprovalView> _approvals = [];

    public IReadOnlyList<LineageNode> Nodes => _nodes;

    public IReadOnlyList<LineageEdge> Edges => _edges;

    /// <param name="reference">The version.</param>
    /// <param name="runsJudgedAt">The runs whose start days it is judged on.</param>
    /// <param name="onlyDeidentified">True when it appears only as the source of de-identification steps
    /// (raw data): it is then judged as the rules judge such a parent, without a decision of its own.</param>
    public void AddDatasetVersion(DatasetVersionRef reference, IReadOnlyList<RunRow> runsJudgedAt, bool onlyDeidentified = false)
    {
        var id = NodeIds.Of(reference);
        if (_byId.ContainsKey(id))
        {
            return;
        }

        var datasets = facts.Clearance.Datasets;
        if (!datasets.TryGetValue(reference.DatasetId, out var dataset) || dataset.Version(reference.Version) is not { } version)
        {
            Add(new LineageNode(id, "dataset-version", reference.DatasetId, reference.Version, Name: "(not on the ledger as of this position)"));
            return;
        }

        var atTraining = runsJudgedAt
            .Select(r => ClearanceView.From(_judge.Evaluate(reference, DateOnly.FromDateTime(r.StartedAt.UtcDateTime), onlyDeidentified), r.RunId))
            .ToList();
        Add(new LineageNode(
            id, "dataset-version", reference.DatasetId, reference.Version, dataset.Name, dataset.SourceInstitution, version.Fingerprint, version.RecordCount,
            dataset.Decisions.Where(d => d.Decided.Version == reference.Version).Select(d => DecisionSummary.From(d, detail)).ToList(),
            facts.CoveringEver(reference.DatasetId).Select(Approval).ToList(),
            dataset.Licenses.Select(l => LicenseSummary.From(l, today, detail)).ToList(),
            dataset.ConsentWithdrawals.Where(w => w.Version == reference.Version).ToList(),
            atTraining,
            ClearanceView.From(_judge.Evaluate(reference, today, onlyDeidentified))));
    }

    /// <summary>True for a version that is not used directly and only feeds de-identification steps (raw data).</summary>
    public static bool OnlyFeedsDeidentification(DatasetVersionRef version, ILookup<DatasetVersionRef, DerivationRow> childrenOf, ISet<DatasetVersionRef> usedDirectly) =>
        !usedDirectly.Contains(version) && childrenOf[version].Any() &&
        childrenOf[version].All(d => d.Transformation == Domain.Common.Names.Of(Domain.Datasets.ContributingVersion.TransformationKind.Deidentification));

    public void AddRun(RunRow run)
    {
        if (!_byId.ContainsKey(NodeIds.Run(run.RunId)))
        {
            Add(new LineageNode(NodeIds.Run(run.RunId), "training-run", RunId: run.RunId, ModelId: run.ModelId, ModelVersion: run.ModelVersion,
                StartedAt: run.StartedAt, FinishedAt: run.FinishedAt, Overridden: run.Overridden));
        }
    }

    public void AddModelVersion(Guid modelId, string modelVersion, string name)
    {
        var id = NodeIds.ModelVersion(modelId, modelVersion);
        if (!_byId.ContainsKey(id))
        {
            Add(new LineageNode(id, "model-version", Name: name, ModelId: modelId, ModelVersion: modelVersion));
        }
    }

    public void AddEdge(LineageEdge edge) => _edges.Add(edge);

    /// <summary>A version's label for the tree, e.g. "Lakeshore chest CT v2".</summary>
    public string Label(DatasetVersionRef reference) =>
        facts.Clearance.Datasets.TryGetValue(reference.DatasetId, out var d) ? $"{d.Name} v{reference.Version}" : reference.ToString();

    public LineageNode Node(string id) => _byId[id];

    // A protocol may cover thousands of the graph's datasets: its view is built once.
    private IrbApprovalView Approval(Domain.Irb.IrbProtocol protocol)
    {
        if (!_approvals.TryGetValue(protocol.Id, out var view))
        {
            _approvals[protocol.Id] = view = IrbApprovalView.From(protocol, today);
        }

        return view;
    }

    private void Add(LineageNode node)
    {
        _byId.Add(node.Id, node);
        _nodes.Add(node);
    }
}
