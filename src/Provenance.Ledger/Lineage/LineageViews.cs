using Provenance.Domain.Clearance;
using Provenance.Domain.Consent;
using Provenance.Domain.Datasets;
using Provenance.Domain.Deidentification;
using Provenance.Domain.Irb;
using Provenance.Domain.Licenses;
using System.Text.Json.Serialization;

namespace Provenance.Ledger.Lineage;

/// <summary>The ledger position and instant a lineage answer is given as of (the whole log when no instant was asked).</summary>
public sealed record LineageAsOf(DateTimeOffset? AsOf, long Position);

/// <summary>Whether a dataset version was cleared on a day, and why not.</summary>
public sealed record ClearanceView(DateOnly Day, bool Cleared, IReadOnlyList<ClearanceFinding> Findings, Guid? RunId = null)
{
    public static ClearanceView From(ClearanceResult result, Guid? runId = null) => new(result.Day, result.Cleared, result.Findings, runId);
}

/// <summary>
/// An IRB protocol as a lineage node sees it: its status and terms on the day the answer is given
/// for (today, or the asOf day); <c>StatusOnDay</c> is <c>expired</c> past the terms' expiry, and
/// <c>not-yet-approved</c> before the approval. The datasets it covers are left out (a protocol may
/// cover thousands; <c>GET /irb/protocols/{id}</c> lists them).
/// </summary>
public sealed record IrbApprovalView(
    Guid ProtocolId, string ProtocolNumber, string IrbName, ReviewType ReviewType, DateOnly ApprovedOn, DateOnly Day, string StatusOnDay,
    DateOnly? ExpiresOnDay, IReadOnlyList<Domain.Common.PermittedUse>? PermittedUsesOnDay)
{
    public static IrbApprovalView From(IrbProtocol p, DateOnly day)
    {
        var terms = p.TermsOn(day);
        return new(p.Id, p.Approval.ProtocolNumber, p.Approval.IrbName, p.Approval.ReviewType, p.Approval.ApprovedOn, day,
            Domain.Common.Names.Of(p.StandingOn(day)), terms?.ExpiresOn, terms?.PermittedUses);
    }
}

/// <summary>
/// How much of each record a lineage answer carries: <c>summary</c> (the default) gives each
/// decision and license the facts clearance turns on; <c>full</c> adds the whole record as the
/// ledger holds it (e.g. the 18 Safe Harbor identifier dispositions, the license's terms history).
/// </summary>
public enum LineageDetail
{
    Summary,
    Full,
}

/// <summary>A de-identification decision on a version: what clearance turns on, and (detail=full) the whole record.</summary>
public sealed record DecisionSummary(
    Guid DecisionId, DeidentificationMethod Method, DecisionOutcome Outcome, string DecidedBy, DateTimeOffset DecidedAt, DateOnly? ExpiresOn,
    DateTimeOffset? RescindedAt, string? RescissionReason,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DeidentificationDecision? Record = null)
{
    public static DecisionSummary From(DeidentificationDecision d, LineageDetail detail) => new(
        d.Decided.DecisionId, d.Decided.Method, d.Decided.Outcome, d.Decided.DecidedBy, d.Decided.DecidedAt, d.Decided.ExpertDetermination?.ExpiresOn,
        d.Rescinded?.RescindedAt, d.Rescinded?.Reason, detail == LineageDetail.Full ? d : null);
}

/// <summary>
/// A license on a version's dataset as it stood on <c>Day</c> (today, or the asOf day): whether it
/// was in force, until when, and the uses its terms then permitted; (detail=full) the whole record.
/// </summary>
public sealed record LicenseSummary(
    Guid LicenseId, LicenseKind Kind, string? SpdxId, DateOnly EffectiveOn, DateOnly Day, bool InForceOnDay, DateOnly? ExpiresOnDay,
    IReadOnlyList<Domain.Common.PermittedUse>? PermittedUsesOnDay, DateOnly? TerminatedOn,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DatasetLicense? Record = null)
{
    public static LicenseSummary From(DatasetLicense l, DateOnly day, LineageDetail detail)
    {
        var terms = l.TermsOn(day)?.Terms;
        var inForce = terms is not null && (terms.ExpiresOn is null || terms.ExpiresOn >= day) && (l.Terminated is null || l.Terminated.EffectiveOn > day);
        return new(l.Granted.LicenseId, l.Granted.Kind, l.Granted.SpdxId, l.Granted.EffectiveOn, day, inForce, terms?.ExpiresOn, terms?.PermittedUses,
            l.Terminated?.EffectiveOn, detail == LineageDetail.Full ? l : null);
    }
}

/// <summary>A node of the lineage graph. Kind: dataset-version, training-run or model-version.</summary>
public sealed record LineageNode(
    string Id,
    string Kind,
    Guid? DatasetId = null,
    int? Version = null,
    string? Name = null,
    string? SourceInstitution = null,
    string? Fingerprint = null,
    long? RecordCount = null,
    IReadOnlyList<DecisionSummary>? DeidentificationDecisions = null,
    IReadOnlyList<IrbApprovalView>? IrbApprovals = null,
    IReadOnlyList<LicenseSummary>? Licenses = null,
    IReadOnlyList<ConsentWithdrawn>? ConsentWithdrawals = null,
    IReadOnlyList<ClearanceView>? ClearanceAtTraining = null,
    ClearanceView? ClearanceToday = null,
    Guid? RunId = null,
    Guid? ModelId = null,
    string? ModelVersion = null,
    DateTimeOffset? StartedAt = null,
    DateTimeOffset? FinishedAt = null,
    bool? Overridden = null);

/// <summary>An edge: used (run → dataset version), was-generated-by (model version → run), was-derived-from (version → parent).</summary>
public sealed record LineageEdge(string From, string To, string Relation, string? Transformation = null);

/// <summary>
/// The same graph as a tree for reading: each node with its inputs or parents nested.
/// <c>Transformation</c> is how this node was made from its children. A version reached again by
/// another path appears again, but its ancestry is given once, at its first appearance (depth-first,
/// inputs in order): later appearances have no children and <c>Deduped</c> true. <c>Truncated</c>
/// marks a node whose parents were left out (the tree has a size budget).
/// </summary>
public sealed record LineageTreeNode(
    string Id, string Kind, string Label, bool? ClearedAtTraining, bool? ClearedToday, string? Transformation, IReadOnlyList<LineageTreeNode> Children,
    bool Truncated = false, bool Deduped = false);

internal static class NodeIds
{
    public static string Of(DatasetVersionRef v) => $"dataset-version:{v.DatasetId}@{v.Version}";

    public static string Run(Guid runId) => $"training-run:{runId}";

    public static string ModelVersion(Guid modelId, string version) => $"model-version:{modelId}@{version}";
}
