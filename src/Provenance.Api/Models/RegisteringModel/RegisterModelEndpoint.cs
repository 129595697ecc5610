using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Provenance.Api.Infrastructure.Http;
using Provenance.Ledger.Infrastructure.Commands;
using Provenance.Ledger.Models.RegisteringModel;

namespace Provenance.Api.Models.RegisteringModel;

/// <summary><c>POST /models</c>: register a model.</summary>
internal static class RegisterModelEndpoint
{
    public static RouteHandlerBuilder MapRegisterModel(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/", Handle)
            .Write<RegisterModelRequest>("RegisterModel", "Register a model", created: true, conditional: false);

    public static Task<Created<CommandResult>> Handle(
        RegisterModelRequest body, IMediator mediator, HttpContext context, CancellationToken cancellationToken) =>
        HttpResults.CreatedAsync(new RegisterModelCommand(body), mediator, context, cancellationToken);
}
