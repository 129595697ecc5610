using PublicApiGenerator;
using Provenance.Testing;

namespace Provenance.EventStore.Tests.PublicApi;

/// <summary>
/// #15: Provenance.EventStore is a library other code builds on, so its public API is committed
/// (PublicApi/Provenance.EventStore.approved.txt) and any change to it (a type, a member, a signature) fails
/// here until it is approved on purpose: run with PROVENANCE_UPDATE_SNAPSHOTS=1 and review the diff.
/// </summary>
public sealed class PublicApiTests
{
    [Fact]
    public void The_public_api_is_the_approved_one()
    {
        var api = typeof(PostgresEventStore).Assembly.GeneratePublicApi(new ApiGeneratorOptions { IncludeAssemblyAttributes = false });

        Snapshot.Matches("tests/Provenance.EventStore.Tests/PublicApi/Provenance.EventStore.approved.txt", api);
    }
}
