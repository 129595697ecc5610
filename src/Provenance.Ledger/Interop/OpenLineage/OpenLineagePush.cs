using System.ComponentModel.DataAnnotations;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Provenance.Domain.Datasets;
using Provenance.Domain.Datasets.ContributingVersion;
using Provenance.Domain.Models;
using Provenance.EventStore;
using Provenance.EventStore.Projections;
using Provenance.Ledger.Clearance;
using Provenance.Ledger.Models.Disclosing;

namespace Provenance.Ledger.Interop.OpenLineage;

/// <summary><c>Provenance:OpenLineage</c> (#19): where to push RunEvents as derivations and training runs are recorded (unset: no push).</summary>
public sealed class OpenLineagePushOptions
{
    public const string Section = "Provenance:OpenLineage";

    /// <summary>The receiver's lineage endpoint, such as Marquez's <c>http://marquez:5000/api/v1/lineage</c>.</summary>
    [Url]
    public string? Url { get; set; }

    /// <summary>How long one request may take.</summary>
    [Range(0.1, 600)]
    public double TimeoutSeconds { get; set; } = 10;

    /// <summary>How many times a request is tried before the batch waits for the daemon's next pass.</summary>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 4;

    /// <summary>The first retry's delay; later ones grow exponentially, with jitter.</summary>
    [Range(0.001, 60)]
    public double FirstRetryDelaySeconds { get; set; } = 0.2;
}

/// <summary>
/// Pushes a model's lineage to an OpenLineage receiver as it is recorded (#19): an asynchronous
/// projection of the log whose checkpoint is the last event delivered, so it never blocks or fails an
/// append and a restart carries on where it stopped. Each derivation becomes its COMPLETE event, each
/// training run its START and COMPLETE events, built from the ledger as it stood at the event's
/// position (the same bytes as <c>GET …/openlineage</c> gives for them). A request is retried with
/// exponential backoff; a batch that still fails is tried again on the daemon's next pass.
/// </summary>
internal sealed partial class OpenLineagePushProjection(
    IServiceScopeFactory scopes, IOptions<OpenLineagePushOptions> push, IOptions<InteropOptions> interop, ILogger<OpenLineagePushProjection> logger)
    : IProjection, IDisposable
{
    public const string ProjectionName = "openlineage-push";

    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = TimeSpan.FromSeconds(push.Value.TimeoutSeconds),
    };

    private readonly ResiliencePipeline _retry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<HttpRequestException>().Handle<TaskCanceledException>(),
            MaxRetryAttempts = push.Value.MaxAttempts - 1,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromSeconds(push.Value.FirstRetryDelaySeconds),
        })
        .Build();

    public string Name => ProjectionName;

    public IReadOnlyList<string> Tables { get; } = [];

    public IReadOnlyCollection<Type> EventTypes { get; } = [typeof(DatasetVersionDerived), typeof(TrainingRunRecorded)];

    // One ledger event per batch: a failure never re-sends what an earlier event of a batch delivered.
    public int? MaxBatch => 1;

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<RecordedEvent> events, CancellationToken cancellationToken)
    {
        var url = new Uri(push.Value.Url!);
        await using var scope = scopes.CreateAsyncScope();
        foreach (var recorded in events)
        {
            foreach (var runEvent in await BuildAsync(scope.ServiceProvider, recorded, cancellationToken))
            {
                await _retry.ExecuteAsync(async token =>
                {
                    using var content = new StringContent(runEvent.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
                    using var response = await _http.PostAsync(url, content, token);
                    if (!response.IsSuccessStatusCode)
                    {
                        throw new HttpRequestException($"The OpenLineage receiver answered {(int)response.StatusCode} {response.ReasonPhrase}.", null, response.StatusCode);
                    }
                }, cancellationToken);
            }
        }

        Pushed(logger, events.Count, events[^1].Position);
    }

    [LoggerMessage(LogLevel.Debug, "Pushed the OpenLineage events of {Count} ledger events up to position {Position}")]
    private static partial void Pushed(ILogger logger, int count, long position);

    private async Task<IReadOnlyList<JsonObject>> BuildAsync(IServiceProvider services, RecordedEvent recorded, CancellationToken cancellationToken)
    {
        switch (recorded.Data)
        {
            case DatasetVersionDerived derived:
            {
                var reference = new DatasetVersionRef(derived.DatasetId, derived.Version);
                var facts = await services.GetRequiredService<ClearanceFactsLoader>().LoadAsync([reference], cancellationToken, recorded.Position);
                return [OpenLineageEvents.ForDerivation(facts, reference, interop.Value)];
            }

            case TrainingRunRecorded run:
            {
                var dossier = await services.GetRequiredService<ModelDossier.Loader>()
                    .LoadAsync(run.ModelId, run.ModelVersion, recorded.Position, DateOnly.FromDateTime(run.StartedAt.UtcDateTime), cancellationToken);
                return OpenLineageEvents.ForTrainingRun(dossier, run.RunId, interop.Value);
            }

            default:
                return [];
        }
    }

    public void Dispose() => _http.Dispose();
}
