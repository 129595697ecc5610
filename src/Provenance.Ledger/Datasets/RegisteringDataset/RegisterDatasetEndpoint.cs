using MediatR;
using Provenance.Ledger.Access;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Infrastructure.Validation;
using Provenance.Domain.Common;
using Provenance.Domain.Datasets;
using Provenance.Domain.Datasets.RegisteringDataset;
using Provenance.EventStore;

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

internal sealed record RegisterDatasetCommand(RegisterDatasetRequest Body) : ICommand, IDatasetRegistration
{
    public string? SourceInstitution => Body.SourceInstitution;
}

internal sealed class RegisterDatasetValidator : IValidator<RegisterDatasetCommand>
{
    public void Validate(RegisterDatasetCommand request, FieldErrors errors)
    {
        var body = request.Body;
        errors.Text("name", body.Name, maxLength: 200);
        errors.Text("description", body.Description, maxLength: 4000, required: false, multiline: true);
        errors.Text("steward", body.Steward, maxLength: 200);
        errors.Text("sourceInstitution", body.SourceInstitution, maxLength: 200);
        errors.OneOf<Modality>("modality", body.Modality);
        if (body.CollectionPeriod is null)
        {
            errors.Add("collectionPeriod", "is required");
        }
        else
        {
            errors.Required("collectionPeriod.start", body.CollectionPeriod.Start);
            errors.Required("collectionPeriod.end", body.CollectionPeriod.End);
        }

        errors.Count("recordCount", body.RecordCount);
        errors.Count("patientCount", body.PatientCount);
    }
}

internal sealed class HandleRegisterDataset(LedgerWriter ledger, RequestContext context, TimeProvider clock)
    : IRequestHandler<RegisterDatasetCommand, CommandResult>
{
    public async Task<CommandResult> Handle(RegisterDatasetCommand request, CancellationToken cancellationToken)
    {
        var (name, description, steward, institution, modality, period, records, patients) = request.Body;
        var registered = RegisterDataset.Decide(new RegisterDataset(
            Guid.CreateVersion7(), name!.Trim(), description?.Trim() ?? "", steward!.Trim(), institution!.Trim(),
            EnumNames.Parse<Modality>(modality!), period!.Start!.Value, period.End!.Value, records!.Value, patients!.Value,
            context.ActorId, clock.GetUtcNow()));
        return await ledger.AppendAsync(registered.DatasetId, StreamTypes.Dataset, ExpectedVersion.NoStream, [registered],
            $"/datasets/{registered.DatasetId}", cancellationToken);
    }
}
