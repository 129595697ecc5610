using Provenance.Domain.Common;
using Provenance.Domain.Datasets;
using Provenance.Domain.Models;
using Provenance.Ledger.Access;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Validation;

namespace Provenance.Ledger.Models.AuthorizingChangeControlPlan;

/// <summary>The body of <c>POST /models/{id}/change-control-plans</c>.</summary>
public sealed record AuthorizeChangeControlPlanRequest(
    string? SubmissionNumber, DateOnly? AuthorizedOn, IReadOnlyList<PlannedModificationRequest>? Modifications,
    DataManagementRequest? DataManagement, IReadOnlyList<AcceptanceCriterionRequest>? AcceptanceCriteria);

/// <summary>One modification and its limits.</summary>
public sealed record PlannedModificationRequest(
    [property: EnumValues(typeof(ModificationKind))] string? Kind,
    string? Description,
    [property: OptionalMember] IReadOnlyList<string?>? Institutions,
    [property: OptionalMember, EnumValues(typeof(Modality))] IReadOnlyList<string?>? Modalities,
    [property: OptionalMember] IReadOnlyList<string?>? Populations,
    [property: OptionalMember] long? MinimumRecords);

/// <summary>The modification protocol's data management practices.</summary>
public sealed record DataManagementRequest(IReadOnlyList<Guid>? IrbProtocolIds, IReadOnlyList<Guid>? LicenseIds, string? ReferenceStandard);

/// <summary>A performance acceptance criterion (also an evaluation's threshold).</summary>
/// <remarks>A plan's criterion names its metric and population; an evaluation's threshold may leave them out (they are the evaluation's).</remarks>
public sealed record AcceptanceCriterionRequest(
    [property: OptionalMember] string? Metric, [property: OptionalMember] string? Population, double? Threshold, [property: EnumValues(typeof(ThresholdDirection))] string? Direction);

/// <summary>Record a PCCP's authorization, as sent.</summary>
internal sealed record AuthorizeChangeControlPlanCommand(Guid ModelId, Precondition? IfMatch, AuthorizeChangeControlPlanRequest Body)
    : ICommand<AuthorizeChangeControlPlanCommand.Valid>, IModelWrite
{
    internal sealed record Valid(
        Guid ModelId, Precondition? IfMatch, string SubmissionNumber, DateOnly AuthorizedOn, IReadOnlyList<PlannedModification> Modifications,
        DataManagementPractices DataManagement, IReadOnlyList<AcceptanceCriterion> AcceptanceCriteria);
}

internal sealed class AuthorizeChangeControlPlanParser : ICommandParser<AuthorizeChangeControlPlanCommand, AuthorizeChangeControlPlanCommand.Valid>
{
    public AuthorizeChangeControlPlanCommand.Valid Parse(AuthorizeChangeControlPlanCommand command, FieldErrors errors)
    {
        var body = command.Body;
        var modifications = new List<PlannedModification>();
        if (errors.List("modifications", body.Modifications, max: 50))
        {
            for (var i = 0; i < body.Modifications.Count; i++)
            {
                var m = body.Modifications[i];
                var field = $"modifications[{i}]";
                var kind = errors.OneOf<ModificationKind>($"{field}.kind", m?.Kind);
                var institutions = Names(errors, $"{field}.institutions", m?.Institutions);
                var modalities = errors.OneOfEach<Modality>($"{field}.modalities", m?.Modalities, required: false);
                if (kind == ModificationKind.AddingInstitution && institutions.Count == 0)
                {
                    errors.Add($"{field}.institutions", "must name the institutions the plan adds");
                }

                if (kind == ModificationKind.AddingModality && modalities.Count == 0)
                {
                    errors.Add($"{field}.modalities", "must name the modalities the plan adds");
                }

                long? minimum = m?.MinimumRecords is { } least ? errors.Count($"{field}.minimumRecords", least) : null;
                modifications.Add(new(kind, errors.Text($"{field}.description", m?.Description, maxLength: 4000, multiline: true),
                    institutions, modalities, Names(errors, $"{field}.populations", m?.Populations), minimum));
            }
        }

        var management = errors.Present("dataManagement", body.DataManagement);
        var practices = new DataManagementPractices(
            management is null ? [] : Ids(errors, "dataManagement.irbProtocolIds", management.IrbProtocolIds),
            management is null ? [] : Ids(errors, "dataManagement.licenseIds", management.LicenseIds),
            management is null ? "" : errors.Text("dataManagement.referenceStandard", management.ReferenceStandard, maxLength: 4000, multiline: true));
        var criteria = new List<AcceptanceCriterion>();
        if (errors.List("acceptanceCriteria", body.AcceptanceCriteria, max: 100))
        {
            for (var i = 0; i < body.AcceptanceCriteria.Count; i++)
            {
                criteria.Add(Criterion(errors, $"acceptanceCriteria[{i}]", body.AcceptanceCriteria[i], ofPlan: true)!);
            }
        }

        return new(command.ModelId, command.IfMatch, errors.Text("submissionNumber", body.SubmissionNumber, maxLength: 20),
            errors.Required("authorizedOn", body.AuthorizedOn), modifications, practices, criteria);
    }

    /// <summary>An acceptance criterion, as a plan states it (metric and population required) or an evaluation does (they default to the evaluation's).</summary>
    internal static AcceptanceCriterion? Criterion(FieldErrors errors, string field, AcceptanceCriterionRequest? criterion, bool ofPlan)
    {
        if (errors.Present(field, criterion) is null)
        {
            return null;
        }

        var threshold = errors.Required($"{field}.threshold", criterion!.Threshold);
        if (!double.IsFinite(threshold))
        {
            errors.Add($"{field}.threshold", "must be a finite number");
        }

        return new AcceptanceCriterion(
            errors.Text($"{field}.metric", criterion.Metric, maxLength: 200, required: ofPlan),
            errors.Text($"{field}.population", criterion.Population, maxLength: 500, required: ofPlan),
            threshold, errors.OneOf<ThresholdDirection>($"{field}.direction", criterion.Direction));
    }

    private static List<string> Names(FieldErrors errors, string field, IReadOnlyList<string?>? items) =>
        (items ?? []).Select((text, i) => errors.Text($"{field}[{i}]", text, maxLength: 300)).Where(t => t.Length > 0).Distinct().ToList();

    private static List<Guid> Ids(FieldErrors errors, string field, IReadOnlyList<Guid>? ids)
    {
        errors.List(field, ids, max: 1000);
        return ids?.Distinct().ToList() ?? [];
    }
}

internal sealed class HandleAuthorizeChangeControlPlan(Aggregates aggregates, LedgerWriter ledger, RequestContext context, TimeProvider clock)
    : ICommandHandler<AuthorizeChangeControlPlanCommand.Valid>
{
    public async Task<CommandResult> HandleAsync(AuthorizeChangeControlPlanCommand.Valid command, CancellationToken cancellationToken)
    {
        var (modelId, ifMatch, submission, authorizedOn, modifications, practices, criteria) = command;
        var (model, version) = await aggregates.ModelAsync(modelId, cancellationToken);
        var expected = Precondition.Check(ifMatch, version);
        // The listed protocols must exist, and each listed license must be one of a dataset they cover.
        var violations = new List<RuleViolation>();
        var protocols = await aggregates.StreamsOfTypeAsync(practices.IrbProtocolIds, StreamTypes.IrbProtocol, cancellationToken);
        violations.AddRange(practices.IrbProtocolIds.Where(id => !protocols.Contains(id))
            .Select(id => new RuleViolation("dataManagement.irbProtocolIds", "unknown-protocol", $"IRB protocol {id} does not exist.")));
        var covered = new HashSet<Guid>();
        foreach (var id in protocols)
        {
            covered.UnionWith((await aggregates.ProtocolAsync(id, cancellationToken)).State.TermsHistory.SelectMany(t => t.Terms.CoveredDatasetIds));
        }

        var licenses = (await aggregates.DatasetsAsync(covered, cancellationToken)).Values.SelectMany(d => d.Licenses).Select(l => l.Granted.LicenseId).ToHashSet();
        violations.AddRange(practices.LicenseIds.Where(id => !licenses.Contains(id))
            .Select(id => new RuleViolation("dataManagement.licenseIds", "unknown-license", $"License {id} is not a license of any dataset the listed IRB protocols cover.")));
        RuleViolationException.ThrowIfAny(violations);
        var plan = ManageRegulatory.AuthorizePlan(model,
            new ChangeControlPlanAuthorized(modelId, Guid.CreateVersion7(), submission, authorizedOn, modifications, practices, criteria, context.ActorId, clock.GetUtcNow()));
        return await ledger.AppendAsync(modelId, StreamTypes.Model, expected, [plan], $"/models/{modelId}", cancellationToken);
    }
}
