using System.Xml.Linq;
using MediatR;
using Provenance.EventStore;
using Provenance.Ledger.Models.ReviewingChangeControl;

namespace Provenance.Ledger.Models.Disclosing;

/// <summary>A model version's disclosure and model card, built together from one dossier.</summary>
public sealed record ModelDocumentSet(Disclosure Disclosure, XDocument ModelCard)
{
    /// <summary>The model card as UTF-8 XML (no byte order mark), indented: the bytes an API answer and a bundle carry.</summary>
    public byte[] ModelCardXml()
    {
        using var stream = new MemoryStream();
        using (var writer = System.Xml.XmlWriter.Create(stream, new System.Xml.XmlWriterSettings { Indent = true, Encoding = new System.Text.UTF8Encoding(false) }))
        {
            ModelCard.Save(writer);
        }

        stream.WriteByte((byte)'\n');
        return stream.ToArray();
    }

    private static readonly System.Text.Json.JsonSerializerOptions Indented = new(Infrastructure.Json.ApiJson.Options) { WriteIndented = true };

    /// <summary>The disclosure as the API's JSON, indented, with a final newline: the bytes a bundle carries.</summary>
    public byte[] DisclosureJson() => [.. System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(Disclosure, Indented), (byte)'\n'];
}

/// <summary>
/// Builds a model version's disclosure and model card (#18) at a log position, "today" being
/// <c>day</c>; the change-control review is of the release day for a released version.
/// </summary>
internal sealed class ModelDocuments(ModelDossier.Loader loader, ChangeControlReviewer reviewer)
{
    public async Task<ModelDocumentSet> BuildAsync(Guid modelId, string version, long position, DateOnly day, CancellationToken cancellationToken)
    {
        var dossier = await loader.LoadAsync(modelId, version, position, day, cancellationToken);
        var reviewDay = dossier.Version.Release is { } released ? DateOnly.FromDateTime(released.ReleasedAt.UtcDateTime) : day;
        var review = await reviewer.ReviewAsync(dossier.Model, version, reviewDay, [], cancellationToken, position);
        var disclosure = DisclosureBuilder.Build(dossier, review);
        return new ModelDocumentSet(disclosure, ModelCard.Build(dossier, disclosure));
    }
}

/// <summary>A model version's disclosure and model card, as the ledger stands (or stood at <see cref="AsOf"/>).</summary>
public sealed record GetModelDocumentsQuery(Guid Id, string ModelVersion, DateTimeOffset? AsOf) : IRequest<ModelDocumentSet>;

internal sealed class HandleGetModelDocuments(ModelDocuments documents, PostgresEventStore store, TimeProvider clock) : IRequestHandler<GetModelDocumentsQuery, ModelDocumentSet>
{
    public async Task<ModelDocumentSet> Handle(GetModelDocumentsQuery request, CancellationToken cancellationToken)
    {
        var position = request.AsOf is { } at ? await store.GetPositionAsOfAsync(at, cancellationToken) : await store.GetHeadPositionAsync(cancellationToken);
        var day = DateOnly.FromDateTime((request.AsOf ?? clock.GetUtcNow()).UtcDateTime);
        return await documents.BuildAsync(request.Id, request.ModelVersion, position, day, cancellationToken);
    }
}
