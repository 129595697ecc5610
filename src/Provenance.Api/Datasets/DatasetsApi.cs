using MediatR;
using Microsoft.AspNetCore.Mvc;
using Provenance.Api.Access;
using Provenance.Api.Datasets.GettingDataset;
using Provenance.Api.Datasets.RegisteringDataset;
using Provenance.Api.Infrastructure.Http;
using Provenance.Domain.Clearance;
using Provenance.Domain.Common;
using static Provenance.Api.Infrastructure.Http.CommandEndpoints;
using Provenance.Ledger.Access;
using Provenance.Ledger.Clearance;
using Provenance.Ledger.Consent;
using Provenance.Ledger.Datasets.ContributingVersion;
using Provenance.Ledger.Datasets.GettingDataset;
using Provenance.Ledger.Datasets.QuarantiningVersion;
using Provenance.Ledger.Datasets.RegisteringDataset;
using Provenance.Ledger.Datasets.RetiringDataset;
using Provenance.Ledger.Deidentification;
using Provenance.Ledger.Licenses;
using Provenance.Ledger.Streams;

namespace Provenance.Api.Datasets;

internal static class DatasetsApi
{
    public static IEndpointRouteBuilder MapDatasetsApi(this IEndpointRouteBuilder app)
    {
        var datasets = app.MapGroup("/datasets").WithTags("Datasets").RequireAuthorization(AccessPolicies.Read);
        // Stewards write for their own institution only: AccessBehavior checks each command against the dataset.
        var writes = app.MapGroup("/datasets").WithTags("Datasets").RequireAuthorization(AccessPolicies.DatasetWrite);

        writes.MapPost("/", RegisterDatasetEndpoint.Handle)
            .Write<RegisterDatasetRequest>("RegisterDataset", "Register a dataset contribution (counts only, never patient identifiers)", created: true, conditional: false);

        datasets.MapGet("/",
                (string? institution, string? modality, string? status, string? licenseKind, bool? cleared, DateOnly? on, string? after, int? limit,
                        IMediator mediator, CancellationToken ct) =>
                    mediator.Send(new ListDatasetsQuery(institution, modality, status, licenseKind, cleared, on, after, limit), ct))
            .WithName("ListDatasets")
            .WithSummary("Datasets in registration order, filtered by institution, modality, status, license kind (ever granted) and " +
                         "clearance of the latest version on a day (?cleared=true&on=YYYY-MM-DD); cursor-paged")
            .Produces<Page<DatasetSummary>>()
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        datasets.MapGet("/{id:guid}", GetDatasetEndpoint.Handle)
            .WithName("GetDataset")
            .WithSummary("A dataset's current state with its versions, decisions, licenses and consent withdrawals")
            .Produces<DatasetView>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        datasets.MapGet("/{id:guid}/events",
                (Guid id, string? after, int? limit, IMediator mediator, CancellationToken cancellationToken) =>
                    mediator.Send(new GetStreamHistoryQuery("dataset", StreamTypes.Dataset, id, after, limit), cancellationToken))
            .WithName("GetDatasetEvents")
            .WithSummary("A dataset's history: every event with its metadata and global position")
            .Produces<Page<EventView>>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        writes.MapPost("/{id:guid}/versions",
                (Guid id, ContributeVersionRequest body, [FromHeader(Name = IfMatch)] string? ifMatch, IMediator mediator, HttpContext context, CancellationToken ct) =>
                    Send(new ContributeVersionCommand(id, HttpResults.Precondition(ifMatch), body), mediator, context, created: true, ct))
            .Write<ContributeVersionRequest>("ContributeDatasetVersion", "Contribute the next version of a dataset: its manifest and fingerprint, optionally derived from parent versions", created: true);

        datasets.MapGet("/{id:guid}/versions",
                (Guid id, IMediator mediator, CancellationToken ct) => mediator.Send(new ListVersionsQuery(id), ct))
            .WithName("ListDatasetVersions")
            .WithSummary("A dataset's versions with their compliance status as last recorded: de-identification, quarantine, consent withdrawals")
            .Produces<Page<Ledger.Catalog.VersionStatus>>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        datasets.MapGet("/{id:guid}/versions/{version:int}", GetDatasetParts.Version)
            .WithName("GetDatasetVersion")
            .WithSummary("One version of a dataset: its contribution (manifest, fingerprint), derivation and quarantines")
            .Produces<Domain.Datasets.DatasetVersion>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        datasets.MapGet("/{id:guid}/deidentification-decisions/{decisionId:guid}", GetDatasetParts.Decision)
            .WithName("GetDeidentificationDecision")
            .WithSummary("One de-identification decision of a dataset, with its rescission if any")
            .Produces<Domain.Datasets.DeidentificationDecision>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        datasets.MapGet("/{id:guid}/licenses/{licenseId:guid}", GetDatasetParts.License)
            .WithName("GetDatasetLicense")
            .WithSummary("One license of a dataset, with its terms over time and its termination if any")
            .Produces<Domain.Datasets.DatasetLicense>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        datasets.MapGet("/{id:guid}/consent-withdrawals/{withdrawalId:guid}", GetDatasetParts.ConsentWithdrawal)
            .WithName("GetConsentWithdrawal")
            .WithSummary("One consent withdrawal recorded for a dataset")
            .Produces<Domain.Consent.ConsentWithdrawn>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        datasets.MapGet("/{id:guid}/versions/{version:int}/clearance",
                (Guid id, int version, DateOnly? on, bool? commercial, DateTimeOffset? asOf, IMediator mediator, CancellationToken ct) =>
                    mediator.Send(new GetClearanceQuery(id, version, on, commercial ?? false, asOf), ct))
            .WithName("GetDatasetVersionClearance")
            .WithSummary("Whether a dataset version is cleared for training on a day (today by default), with the findings when not")
            .Produces<ClearanceResult>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        writes.MapPost("/{id:guid}/versions/{version:int}/quarantine",
                (Guid id, int version, ReasonRequest body, [FromHeader(Name = IfMatch)] string? ifMatch, IMediator mediator, HttpContext context, CancellationToken ct) =>
                    Send(new QuarantineVersionCommand(id, version, Release: false, HttpResults.Precondition(ifMatch), body), mediator, context, created: false, ct))
            .Write<ReasonRequest>("QuarantineDatasetVersion", "Put a dataset version in quarantine", created: false);

        writes.MapPost("/{id:guid}/versions/{version:int}/release",
                (Guid id, int version, ReasonRequest body, [FromHeader(Name = IfMatch)] string? ifMatch, IMediator mediator, HttpContext context, CancellationToken ct) =>
                    Send(new QuarantineVersionCommand(id, version, Release: true, HttpResults.Precondition(ifMatch), body), mediator, context, created: false, ct))
            .Write<ReasonRequest>("ReleaseDatasetVersion", "Release a dataset version from quarantine", created: false);

        writes.MapPost("/{id:guid}/retirement",
                (Guid id, ReasonRequest body, [FromHeader(Name = IfMatch)] string? ifMatch, IMediator mediator, HttpContext context, CancellationToken ct) =>
                    Send(new RetireDatasetCommand(id, HttpResults.Precondition(ifMatch), body), mediator, context, created: false, ct))
            .Write<ReasonRequest>("RetireDataset", "Retire a dataset: none of its versions may be used for training from then on", created: false);

        writes.MapPost("/{id:guid}/versions/{version:int}/deidentification-decisions",
                (Guid id, int version, DeidentificationRequest body, [FromHeader(Name = IfMatch)] string? ifMatch, IMediator mediator, HttpContext context, CancellationToken ct) =>
                    Send(new DecideDeidentificationCommand(id, version, HttpResults.Precondition(ifMatch), body), mediator, context, created: true, ct))
            .WithTags("De-identification")
            .Write<DeidentificationRequest>("DecideDeidentification", "Record a de-identification decision (Safe Harbor, Expert Determination, limited data set, or not PHI)", created: true);

        writes.MapPost("/{id:guid}/deidentification-decisions/{decisionId:guid}/rescission",
                (Guid id, Guid decisionId, RescissionRequest body, [FromHeader(Name = IfMatch)] string? ifMatch, IMediator mediator, HttpContext context, CancellationToken ct) =>
                    Send(new RescindDeidentificationCommand(id, decisionId, HttpResults.Precondition(ifMatch), body), mediator, context, created: false, ct))
            .WithTags("De-identification")
            .Write<RescissionRequest>("RescindDeidentification", "Rescind a de-identification decision", created: false);

        writes.MapPost("/{id:guid}/licenses",
                (Guid id, GrantLicenseRequest body, [FromHeader(Name = IfMatch)] string? ifMatch, IMediator mediator, HttpContext context, CancellationToken ct) =>
                    Send(new GrantLicenseCommand(id, HttpResults.Precondition(ifMatch), body), mediator, context, created: true, ct))
            .WithTags("Licenses")
            .Write<GrantLicenseRequest>("GrantLicense", "Put a license, data use agreement or business associate agreement on a dataset", created: true);

        writes.MapPost("/{id:guid}/licenses/{licenseId:guid}/amendments",
                (Guid id, Guid licenseId, AmendLicenseRequest body, [FromHeader(Name = IfMatch)] string? ifMatch, IMediator mediator, HttpContext context, CancellationToken ct) =>
                    Send(new AmendLicenseCommand(id, licenseId, HttpResults.Precondition(ifMatch), body), mediator, context, created: false, ct))
            .WithTags("Licenses")
            .Write<AmendLicenseRequest>("AmendLicense", "Change a license's terms from a date on", created: false);

        writes.MapPost("/{id:guid}/licenses/{licenseId:guid}/termination",
                (Guid id, Guid licenseId, TerminateLicenseRequest body, [FromHeader(Name = IfMatch)] string? ifMatch, IMediator mediator, HttpContext context, CancellationToken ct) =>
                    Send(new TerminateLicenseCommand(id, licenseId, HttpResults.Precondition(ifMatch), body), mediator, context, created: false, ct))
            .WithTags("Licenses")
            .Write<TerminateLicenseRequest>("TerminateLicense", "End a license early", created: false);

        writes.MapPost("/{id:guid}/versions/{version:int}/consent-withdrawals",
                (Guid id, int version, WithdrawConsentRequest body, [FromHeader(Name = IfMatch)] string? ifMatch, IMediator mediator, HttpContext context, CancellationToken ct) =>
                    Send(new WithdrawConsentCommand(id, version, HttpResults.Precondition(ifMatch), body), mediator, context, created: true, ct))
            .WithTags("Consent")
            .Write<WithdrawConsentRequest>("WithdrawConsent", "Record that subjects of a dataset version withdrew consent (a count, never who)", created: true);

        return app;
    }
}
