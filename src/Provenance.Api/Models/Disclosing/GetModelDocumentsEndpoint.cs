using System.Text;
using MediatR;
using Microsoft.Net.Http.Headers;
using Provenance.Ledger.Models.Disclosing;

namespace Provenance.Api.Models.Disclosing;

/// <summary>
/// <c>GET /models/{id}/versions/{modelVersion}/model-card</c> (CHAI Applied Model Card v0.2, XML) and
/// <c>…/disclosure</c> (the procurement disclosure, JSON); each as a readable page with <c>Accept: text/html</c>.
/// </summary>
internal static class GetModelDocumentsEndpoint
{
    public const string XmlMediaType = "application/xml";

    public static IEndpointRouteBuilder MapGetModelDocuments(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/{id:guid}/versions/{modelVersion}/model-card", ModelCard)
            .WithName("GetModelCard")
            .WithSummary("The model version's CHAI Applied Model Card (schema v0.2) as XML, derived from the ledger and its model card facts; Accept: text/html renders it")
            .Produces(StatusCodes.Status200OK, contentType: XmlMediaType, additionalContentTypes: ["text/html"])
            .ProducesProblem(StatusCodes.Status404NotFound);
        routes.MapGet("/{id:guid}/versions/{modelVersion}/disclosure", Disclosure)
            .WithName("GetDisclosure")
            .WithSummary("The model version's procurement disclosure: each buyer's question answered in plain words, citing ledger positions; Accept: text/html renders it")
            .Produces<Disclosure>(StatusCodes.Status200OK, "application/json", "text/html")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    public static async Task<IResult> ModelCard(Guid id, string modelVersion, DateTimeOffset? asOf, IMediator mediator, HttpContext context, CancellationToken cancellationToken)
    {
        var documents = await mediator.Send(new GetModelDocumentsQuery(id, modelVersion, asOf), cancellationToken);
        if (WantsHtml(context))
        {
            return Html(context, DocumentHtml.ModelCard(documents.ModelCard));
        }

        return TypedResults.Bytes(documents.ModelCardXml(), XmlMediaType);
    }

    public static async Task<IResult> Disclosure(Guid id, string modelVersion, DateTimeOffset? asOf, IMediator mediator, HttpContext context, CancellationToken cancellationToken)
    {
        var documents = await mediator.Send(new GetModelDocumentsQuery(id, modelVersion, asOf), cancellationToken);
        return WantsHtml(context) ? Html(context, DocumentHtml.Disclosure(documents.Disclosure)) : TypedResults.Ok(documents.Disclosure);
    }

    private static bool WantsHtml(HttpContext context) =>
        context.Request.GetTypedHeaders().Accept is { Count: > 0 } accept &&
        accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));

    private static Microsoft.AspNetCore.Http.HttpResults.ContentHttpResult Html(HttpContext context, string html)
    {
        // The page's one stylesheet, by hash; nothing else loads.
        context.Response.Headers[HeaderNames.ContentSecurityPolicy] = DocumentHtml.ContentSecurityPolicy;
        return TypedResults.Text(html, "text/html", Encoding.UTF8);
    }
}
