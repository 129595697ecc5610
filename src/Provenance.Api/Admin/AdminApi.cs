using Provenance.Api.Infrastructure.Problems;
using Provenance.EventStore;
using Provenance.EventStore.Projections;

namespace Provenance.Api.Admin;

/// <summary>The result of a rebuild: how many events were replayed and where the projection now stands.</summary>
public sealed record RebuildResult(string Projection, long EventsReplayed, long Checkpoint, double ElapsedMs);

/// <summary>Operations on derived data. To be limited to administrators once authentication exists (issue #6).</summary>
internal static class AdminApi
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/admin/projections/{name}/rebuild", async (string name, PostgresEventStore store, Catalog.ProjectionDaemon daemon, ProjectionRunner runner, CancellationToken ct) =>
            {
                var known = store.InlineProjections.Concat(daemon.Projections).ToList();
                var projection = known.FirstOrDefault(p => p.Name == name)
                    ?? throw new NotFoundException($"No projection is named '{name}' (known: {string.Join(", ", known.Select(p => p.Name))}).");
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                var replayed = await runner.RebuildAsync(projection, cancellationToken: ct);
                return TypedResults.Ok(new RebuildResult(name, replayed, await runner.GetCheckpointAsync(name, ct),
                    System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds));
            })
            .WithTags("Admin").WithName("RebuildProjection")
            .WithSummary("Empty a projection's read model and replay the whole log into it (appends wait meanwhile)")
            .Produces<RebuildResult>().ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }
}
