using Provenance.Api.Access;
using Provenance.Api.Infrastructure.Problems;
using Provenance.EventStore;
using Provenance.EventStore.Integrity;
using Provenance.EventStore.Projections;
using Provenance.Ledger.Access;
using Provenance.Ledger.Infrastructure.Problems;

namespace Provenance.Api.Admin;

/// <summary>The result of a rebuild: how many events were replayed and where the projection now stands.</summary>
public sealed record RebuildResult(string Projection, long EventsReplayed, long Checkpoint, double ElapsedMs);

/// <summary>Where a projection stands against the log: <c>Lag</c> events are not in its read model yet.</summary>
public sealed record ProjectionStatus(string Name, string Mode, long Checkpoint, long Head, long Lag);

/// <summary>Operations on derived data, for administrators only.</summary>
internal static class AdminApi
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/admin/projections", async (PostgresEventStore store, Ledger.Catalog.ProjectionDaemon daemon, ProjectionRunner runner, MerkleIntegrator integrator, CancellationToken ct) =>
            {
                var head = await store.GetHeadPositionAsync(ct);
                var statuses = new List<ProjectionStatus>();
                foreach (var (projection, mode) in store.InlineProjections.Select(p => (p, "inline")).Concat(daemon.Projections.Select(p => (p, "async"))))
                {
                    var checkpoint = await runner.GetCheckpointAsync(projection.Name, ct);
                    statuses.Add(new ProjectionStatus(projection.Name, mode, checkpoint, head, Math.Max(0, head - checkpoint)));
                }

                // #5: the Merkle tree integrates the log asynchronously too; its "checkpoint" is the tree size.
                var tree = await integrator.GetTreeHeadAsync(ct);
                statuses.Add(new ProjectionStatus("merkle-tree", "integrity", tree.Size, head, Math.Max(0, head - tree.Size)));

                return TypedResults.Ok(statuses);
            })
            .WithTags("Admin").WithName("ListProjections").RequireAuthorization(AccessPolicies.Admin)
            .WithSummary("Every projection, inline or async, and the Merkle tree (merkle-tree), with its checkpoint and how far it lags the log")
            .Produces<List<ProjectionStatus>>();
        app.MapPost("/admin/projections/{name}/rebuild", async (string name, PostgresEventStore store, Ledger.Catalog.ProjectionDaemon daemon, ProjectionRunner runner, CancellationToken ct) =>
            {
                var known = store.InlineProjections.Concat(daemon.Projections).ToList();
                var projection = known.FirstOrDefault(p => p.Name == name)
                    ?? throw new NotFoundException($"No projection is named '{name}' (known: {string.Join(", ", known.Select(p => p.Name))}).");
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                var replayed = await runner.RebuildAsync(projection, cancellationToken: ct);
                return TypedResults.Ok(new RebuildResult(name, replayed, await runner.GetCheckpointAsync(name, ct),
                    System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds));
            })
            .WithTags("Admin").WithName("RebuildProjection").RequireAuthorization(AccessPolicies.Admin)
            .WithSummary("Empty a projection's read model and replay the whole log into it (appends wait meanwhile)")
            .Produces<RebuildResult>().ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }
}
