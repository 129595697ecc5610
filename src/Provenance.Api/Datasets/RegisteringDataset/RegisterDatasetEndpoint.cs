using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Provenance.Api.Infrastructure.Http;
using Provenance.Ledger.Datasets.RegisteringDataset;
using Provenance.Ledger.Infrastructure.Commands;

namespace Provenance.Api.Datasets.RegisteringDataset;

/// <summary><c>POST /datasets</c>: register a dataset contribution (counts only, never patient identifiers).</summary>
internal static class RegisterDatasetEndpoint
{
    public static RouteHandlerBuilder MapRegisterDataset(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/", Handle)
            .Write<RegisterDatasetRequest>("RegisterDataset", "Register a dataset contribution (counts only, never patient identifiers)", created: true, conditional: false);

    public static Task<Created<CommandResult>> Handle(
        RegisterDatasetRequest body, IMediator mediator, HttpContext context, CancellationToken cancellationToken) =>
        HttpResults.CreatedAsync(new RegisterDatasetCommand(body), mediator, context, cancellationToken);
}
