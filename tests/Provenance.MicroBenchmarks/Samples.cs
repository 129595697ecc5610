using Provenance.Domain.Common;
using Provenance.Domain.Datasets.ContributingVersion;
using Provenance.EventStore;

namespace Provenance.MicroBenchmarks;

/// <summary>Typical inputs: a dataset version contribution as the log stores and exports it.</summary>
public static class Samples
{
    public static DatasetVersionContributed Contribution { get; } = new(
        Guid.Parse("01936f3a-5c1e-7b2a-9d4e-0a1b2c3d4e5f"), 3,
        [
            new ManifestFile("conditions.parquet", 48_213_775, "4f3374212c0d0ed876ebdbc4cfabecb8125a89ed9b94cbff746c1dc2d642ab8b"),
            new ManifestFile("encounters.parquet", 131_904_228, "8172915c10041275eba6a67ed292f5d8e5558c96017fd83c5569d00ff68f56cd"),
            new ManifestFile("labs.parquet", 402_118_660, "a6ed8ec763ca2e5256dd0a0adbc7e5dbcf05bc7a647ab3924e2fb8bf4c16e77f"),
        ],
        185_402, "sha256:9b2f7a1c4e8d6b3a0f5e2d1c7b9a8e6f4d3c2b1a0e9f8d7c6b5a4e3d2c1b0a9f", "s3://lakeshore-research/ehr/v3/",
        "Ravi Menon, Imaging Informatics", new DateTimeOffset(2026, 3, 14, 9, 26, 53, TimeSpan.Zero));

    public static EventMetadata Metadata { get; } = new("steward-7", "steward", "01936f3a-5c1e-7b2a-9d4e-0a1b2c3d4e60", null, "import-2026-03-14-0001");
}
