using Npgsql;
using Provenance.Api.Tests.EventShapes;
using Provenance.Domain.Common;
using Provenance.Domain.Consent;
using Provenance.Domain.Datasets.ContributingVersion;
using Provenance.Domain.Datasets.QuarantiningVersion;
using Provenance.Domain.Datasets.RegisteringDataset;
using Provenance.Domain.Datasets.RetiringDataset;
using Provenance.Domain.Deidentification;
using Provenance.Domain.Licenses;
using Provenance.Domain.Models;
using Provenance.EventStore;
using Provenance.EventStore.Projections;
using Provenance.Scenarios;
using Provenance.Ledger.Catalog;

namespace Provenance.Api.Tests.Projections;

/// <summary>
/// #7: the catalog applies a page of events in a fixed number of set-based statements. Each must
/// give the rows that applying the events one by one gives, whatever falls in one page, whether a
/// change lands in the page that created its row or in a later one.
/// </summary>
public sealed class CatalogPagesTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly EventMetadata Metadata = new("catalog-test", "admin", "catalog-pages");

    [Fact]
    public async Task The_catalog_built_a_page_at_a_time_equals_the_catalog_built_an_event_at_a_time()
    {
        var store = api.Service<PostgresEventStore>();
        foreach (var append in new ScenarioGenerator(13, 3_000, new FlagshipShape(3, 2)).Generate())
        {
            await append.AppendToAsync(store, Metadata);
        }

        var (dataset, model) = await AppendEveryKindOfChangeAsync(store);
        var runner = api.Service<ProjectionRunner>();
        var catalog = api.Service<CatalogProjection>();

        await runner.RebuildAsync(catalog, batchSize: 1);
        var oneByOne = await RowsAsync();
        // Pages of 7 split the hand-made histories below across pages, so that some changes land in
        // the page that created their row (folded before the insert) and some in a later one (updates).
        await runner.RebuildAsync(catalog, batchSize: 7);
        Assert.Equal(oneByOne, await RowsAsync());
        await runner.RebuildAsync(catalog, batchSize: 5_000);
        var paged = await RowsAsync();

        Assert.Equal(oneByOne, paged);
        // And what the hand-made changes say, in one page: the latest toggle wins, kinds in first-granted order, sums and appends.
        Assert.Contains(paged, row => row.Contains($"\"dataset_id\":\"{dataset}\"", StringComparison.Ordinal) && row.Contains("\"license_kinds\":[\"data-use-agreement\",\"spdx\"]", StringComparison.Ordinal)
            && row.Contains("\"retired\":true", StringComparison.Ordinal) && row.Contains("\"version_count\":2", StringComparison.Ordinal));
        Assert.Contains(paged, row => row.Contains($"\"dataset_id\":\"{dataset}\",\"version\":1,", StringComparison.Ordinal)
            && row.Contains("\"quarantined\":false", StringComparison.Ordinal) && row.Contains("\"withdrawn_subjects\":12", StringComparison.Ordinal)
            && row.Contains("\"consent_exclusion_from\":\"2024-05-01\"", StringComparison.Ordinal) && row.Contains("\"deidentification\":\"rescinded\"", StringComparison.Ordinal));
        Assert.Contains(paged, row => row.Contains($"\"dataset_id\":\"{dataset}\",\"version\":2,", StringComparison.Ordinal) && row.Contains("\"quarantined\":true", StringComparison.Ordinal));
        Assert.Contains(paged, row => row.Contains($"\"model_id\":\"{model}\"", StringComparison.Ordinal) && row.Contains("\"versions\":[\"1.0\",\"1.1\"]", StringComparison.Ordinal)
            && row.Contains("\"released_versions\":[\"1.0\",\"1.1\"]", StringComparison.Ordinal) && row.Contains("\"withdrawn_versions\":[\"1.0\"]", StringComparison.Ordinal)
            && row.Contains("\"overridden_runs\":2", StringComparison.Ordinal));
    }

    /// <summary>A dataset and a model whose events exercise every kind of catalog change, each more than once, interleaved.</summary>
    private static async Task<(Guid Dataset, Guid Model)> AppendEveryKindOfChangeAsync(PostgresEventStore store)
    {
        T Example<T>() => (T)EventShapeTests.Examples[typeof(T)];
        var dataset = Guid.NewGuid();
        var (approved, rejected) = (Guid.NewGuid(), Guid.NewGuid());
        object[] datasetEvents =
        [
            Example<DatasetRegistered>() with { DatasetId = dataset },
            Example<DatasetVersionContributed>() with { DatasetId = dataset, Version = 1 },
            Example<LicenseGranted>() with { DatasetId = dataset, LicenseId = Guid.NewGuid(), Kind = LicenseKind.DataUseAgreement },
            Example<DeidentificationDecided>() with { DatasetId = dataset, Version = 1, DecisionId = approved, Outcome = DecisionOutcome.Approved },
            Example<DatasetVersionContributed>() with { DatasetId = dataset, Version = 2 },
            Example<DatasetVersionQuarantined>() with { DatasetId = dataset, Version = 1 },
            Example<ConsentWithdrawn>() with { DatasetId = dataset, Version = 1, SubjectCount = 5, EffectiveOn = new DateOnly(2024, 6, 1), RequiredActions = [ConsentAction.ExcludeFromFutureTraining] },
            Example<LicenseGranted>() with { DatasetId = dataset, LicenseId = Guid.NewGuid(), Kind = LicenseKind.Spdx },
            Example<DeidentificationDecided>() with { DatasetId = dataset, Version = 1, DecisionId = rejected, Outcome = DecisionOutcome.Rejected },
            Example<DatasetVersionReleased>() with { DatasetId = dataset, Version = 1 },
            Example<DeidentificationRescinded>() with { DatasetId = dataset, DecisionId = approved },
            Example<DatasetVersionQuarantined>() with { DatasetId = dataset, Version = 2 },
            Example<ConsentWithdrawn>() with { DatasetId = dataset, Version = 1, SubjectCount = 7, EffectiveOn = new DateOnly(2024, 5, 1), RequiredActions = [ConsentAction.ExcludeFromFutureTraining] },
            Example<LicenseGranted>() with { DatasetId = dataset, LicenseId = Guid.NewGuid(), Kind = LicenseKind.DataUseAgreement },
            Example<DatasetRetired>() with { DatasetId = dataset },
        ];
        await store.AppendAsync(dataset, StreamTypes.Dataset, ExpectedVersion.NoStream, datasetEvents, Metadata);

        var model = Guid.NewGuid();
        object[] modelEvents =
        [
            Example<ModelRegistered>() with { ModelId = model },
            Example<TrainingRunRecorded>() with { ModelId = model, RunId = Guid.NewGuid(), ModelVersion = "1.0" },
            Example<TrainingClearanceOverridden>() with { ModelId = model },
            Example<ModelVersionReleased>() with { ModelId = model, ModelVersion = "1.0" },
            Example<TrainingRunRecorded>() with { ModelId = model, RunId = Guid.NewGuid(), ModelVersion = "1.1" },
            Example<TrainingRunRecorded>() with { ModelId = model, RunId = Guid.NewGuid(), ModelVersion = "1.0" },
            Example<TrainingClearanceOverridden>() with { ModelId = model },
            Example<ModelVersionWithdrawn>() with { ModelId = model, ModelVersion = "1.0" },
            Example<ModelVersionReleased>() with { ModelId = model, ModelVersion = "1.1" },
        ];
        await store.AppendAsync(model, StreamTypes.Model, ExpectedVersion.NoStream, modelEvents, Metadata);
        return (dataset, model);
    }

    private async Task<List<string>> RowsAsync()
    {
        await using var connection = new NpgsqlConnection(api.AppConnectionString);
        await connection.OpenAsync();
        var rows = new List<string>();
        foreach (var (table, key) in new[]
                 {
                     ("rm_catalog_datasets", "dataset_id"), ("rm_catalog_versions", "dataset_id, version"),
                     ("rm_catalog_decisions", "decision_id"), ("rm_catalog_models", "model_id"),
                 })
        {
            await using var command = new NpgsqlCommand($"SELECT row_to_json(t)::text FROM provenance.{table} t ORDER BY {key}", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add(reader.GetString(0));
            }
        }

        return rows;
    }
}
