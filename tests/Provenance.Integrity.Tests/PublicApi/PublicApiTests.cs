using PublicApiGenerator;
using Provenance.Testing;

namespace Provenance.Integrity.Tests.PublicApi;

/// <summary>
/// #15: Provenance.Integrity is a library other code builds on, so its public API is committed
/// (PublicApi/Provenance.Integrity.approved.txt) and any change to it (a type, a member, a signature) fails
/// here until it is approved on purpose: run with PROVENANCE_UPDATE_SNAPSHOTS=1 and review the diff.
/// </summary>
public sealed class PublicApiTests
{
    [Fact]
    public void The_public_api_is_the_approved_one()
    {
        var api = typeof(Provenance.Integrity.Merkle.MerkleTree).Assembly.GeneratePublicApi(new ApiGeneratorOptions { IncludeAssemblyAttributes = false });

        Snapshot.Matches("tests/Provenance.Integrity.Tests/PublicApi/Provenance.Integrity.approved.txt", api);
    }
}
