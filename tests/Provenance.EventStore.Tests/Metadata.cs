using Provenance.EventStore;

namespace Provenance.EventStore.Tests;

internal static class Metadata
{
    public static EventMetadata Test { get; } = new("tester", "steward", "corr-1");
}
