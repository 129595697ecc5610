using MediatR;
using Microsoft.AspNetCore.Mvc;
using Provenance.Api.Access;
using Provenance.Api.Infrastructure.Http;
using Provenance.Domain.Common;
using Provenance.Domain.Irb;
using static Provenance.Api.Infrastructure.Http.CommandEndpoints;
using Provenance.Ledger.Access;
using Provenance.Ledger.Irb;
using Provenance.Ledger.Streams;

namespace Provenance.Api.Irb;

internal static class IrbApi
{
    public static IEndpointRouteBuilder MapIrbApi(this IEndpointRouteBuilder app)
    {
        var protocols = app.MapGroup("/irb/protocols").WithTags("IRB").RequireAuthorization(AccessPolicies.Read);
        var writes = app.MapGroup("/irb/protocols").WithTags("IRB").RequireAuthorization(AccessPolicies.IrbWrite);

        writes.MapPost("/",
                (ApproveProtocolRequest body, IMediator mediator, HttpContext context, CancellationToken ct) =>
                    Send(new ApproveProtocolCommand(body), mediator, context, created: true, ct))
            .Write<ApproveProtocolRequest>("ApproveIrbProtocol", "Record an IRB approval or exempt determination covering datasets", created: true, conditional: false);

        protocols.MapGet("/",
                (string? protocolNumber, DateOnly? on, string? after, int? limit, IMediator mediator, CancellationToken ct) =>
                    mediator.Send(new ListProtocolsQuery(protocolNumber, on, after, limit), ct))
            .WithName("ListIrbProtocols").WithSummary("IRB protocols in approval order with where each stands on a day (today by default), optionally by protocol number; cursor-paged")
            .Produces<Page<ProtocolSummary>>().ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        protocols.MapGet("/{id:guid}", async (Guid id, DateOnly? on, DateTimeOffset? asOf, IMediator mediator, HttpContext context, CancellationToken ct) =>
            {
                var view = await mediator.Send(new GetProtocolQuery(id, asOf, on), ct);
                context.Response.Headers.ETag = HttpResults.ETag(view.Version);
                return TypedResults.Ok(view);
            })
            .WithName("GetIrbProtocol").WithSummary("An IRB protocol with where it stands on a day (today, or the asOf day, by default) and its timeline of terms and status")
            .Produces<ProtocolView>().ProducesProblem(StatusCodes.Status404NotFound);

        protocols.MapGet("/{id:guid}/events",
                (Guid id, string? after, int? limit, IMediator mediator, CancellationToken ct) =>
                    mediator.Send(new GetStreamHistoryQuery("IRB protocol", StreamTypes.IrbProtocol, id, after, limit), ct))
            .WithName("GetIrbProtocolEvents").WithSummary("An IRB protocol's history")
            .Produces<Page<EventView>>().ProducesProblem(StatusCodes.Status404NotFound).ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        writes.MapPost("/{id:guid}/amendments",
                (Guid id, AmendProtocolRequest body, [FromHeader(Name = IfMatch)] string? ifMatch, IMediator mediator, HttpContext context, CancellationToken ct) =>
                    Send(new AmendProtocolCommand(id, HttpResults.Precondition(ifMatch), body), mediator, context, created: false, ct))
            .Write<AmendProtocolRequest>("AmendIrbProtocol", "Change a protocol's scope, uses or expiry from a date on", created: false);

        MapStatus(writes, "suspension", "SuspendIrbProtocol", "Suspend a protocol (45 CFR 46.113)", IrbStatus.Suspended, close: false);
        MapStatus(writes, "reinstatement", "ReinstateIrbProtocol", "Reinstate a suspended protocol", IrbStatus.Active, close: false);
        MapStatus(writes, "termination", "TerminateIrbProtocol", "Terminate a protocol's approval (45 CFR 46.113)", IrbStatus.Terminated, close: false);
        MapStatus(writes, "closure", "CloseIrbProtocol", "Close a protocol", IrbStatus.Closed, close: true);
        return app;
    }

    private static void MapStatus(RouteGroupBuilder writes, string path, string name, string summary, IrbStatus to, bool close) =>
        writes.MapPost($"/{{id:guid}}/{path}",
                (Guid id, ProtocolStatusRequest body, [FromHeader(Name = IfMatch)] string? ifMatch, IMediator mediator, HttpContext context, CancellationToken ct) =>
                    Send(new ChangeProtocolStatusCommand(id, to, close, HttpResults.Precondition(ifMatch), body), mediator, context, created: false, ct))
            .Write<ProtocolStatusRequest>(name, summary, created: false);
}
