using Provenance.Domain.Common;
using Provenance.Domain.Datasets;
using Provenance.EventStore;
using Provenance.Ledger.Access;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Validation;
using Decision = Provenance.Domain.Datasets.RegisteringDataset.RegisterDataset;

namespace Provenance.Ledger.Datasets.RegisteringDataset;

/// <summary>The body of <c>POST /datasets</c>. Counts only: never patient identifiers.</summary>
public sealed record RegisterDatasetRequest(
    string? Name,
    [property: OptionalMember] string? Description,
    string? Steward,
    string? SourceInstitution,
    [property: EnumValues(typeof(Modality))] string? Modality,
    DatePeriod? CollectionPeriod,
    long? RecordCount,
    long? PatientCount);

/// <summary>A closed range of calendar days.</summary>
public sealed record DatePeriod(DateOnly? Start, DateOnly? End);

/// <summary>Register a dataset contribution, as sent.</summary>
internal sealed record RegisterDatasetCommand(RegisterDatasetRequest Body) : ICommand<RegisterDatasetCommand.Valid>, IDatasetRegistration
{
    public string? SourceInstitution => Body.SourceInstitution;

    /// <summary>The registration, checked.</summary>
    internal sealed record Valid(
        string Name, string Description, string Steward, string SourceInstitution, Modality Modality, DateOnly Start, DateOnly End,
        long RecordCount, long PatientCount);
}

internal sealed class RegisterDatasetParser : ICommandParser<RegisterDatasetCommand, RegisterDatasetCommand.Valid>
{
    public RegisterDatasetCommand.Valid Parse(RegisterDatasetCommand command, FieldErrors errors)
    {
        var body = command.Body;
        var name = errors.Text("name", body.Name, maxLength: 200);
        var description = errors.Text("description", body.Description, maxLength: 4000, required: false, multiline: true);
        var steward = errors.Text("steward", body.Steward, maxLength: 200);
        var institution = errors.Text("sourceInstitution", body.SourceInstitution, maxLength: 200);
        var modality = errors.OneOf<Modality>("modality", body.Modality);
        var period = errors.Present("collectionPeriod", body.CollectionPeriod);
        var (start, end) = period is null ? default : (errors.Required("collectionPeriod.start", period.Start), errors.Required("collectionPeriod.end", period.End));
        return new(name, description, steward, institution, modality, start, end,
            errors.Count("recordCount", body.RecordCount), errors.Count("patientCount", body.PatientCount));
    }
}

internal sealed class HandleRegisterDataset(LedgerWriter ledger, RequestContext context, TimeProvider clock) : ICommandHandler<RegisterDatasetCommand.Valid>
{
    public async Task<CommandResult> HandleAsync(RegisterDatasetCommand.Valid command, CancellationToken cancellationToken)
    {
        var (name, description, steward, institution, modality, start, end, records, patients) = command;
        var registered = Decision.Decide(new Decision(
            Guid.CreateVersion7(), name, description, steward, institution, modality, start, end, records, patients, context.ActorId, clock.GetUtcNow()));
        return await ledger.AppendAsync(registered.DatasetId, StreamTypes.Dataset, ExpectedVersion.NoStream, [registered],
            $"/datasets/{registered.DatasetId}", cancellationToken);
    }
}
