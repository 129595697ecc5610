using Provenance.Api.Access;
using Provenance.Api.Datasets.ContributingVersion;
using Provenance.Api.Datasets.GettingClearance;
using Provenance.Api.Datasets.GettingDataset;
using Provenance.Api.Datasets.GettingEvents;
using Provenance.Api.Datasets.GettingVersion;
using Provenance.Api.Datasets.ListingDatasets;
using Provenance.Api.Datasets.ListingVersions;
using Provenance.Api.Datasets.QuarantiningVersion;
using Provenance.Api.Datasets.RegisteringDataset;
using Provenance.Api.Datasets.RetiringDataset;

namespace Provenance.Api.Datasets;

/// <summary>Datasets: registration, versions, quarantine, retirement, history and clearance.</summary>
internal static class DatasetsApi
{
    public static IEndpointRouteBuilder MapDatasetsApi(this IEndpointRouteBuilder app)
    {
        var reads = app.MapGroup("/datasets").WithTags("Datasets").RequireAuthorization(AccessPolicies.Read);
        // Stewards write for their own institution only: AccessBehavior checks each command against the dataset.
        var writes = app.MapGroup("/datasets").WithTags("Datasets").RequireAuthorization(AccessPolicies.DatasetWrite);

        writes.MapRegisterDataset();
        reads.MapListDatasets();
        reads.MapGetDataset();
        reads.MapGetDatasetEvents();
        writes.MapContributeVersion();
        reads.MapListVersions();
        reads.MapGetDatasetVersion();
        reads.MapGetClearance();
        writes.MapQuarantineVersion();
        writes.MapRetireDataset();
        return app;
    }
}
