namespace Provenance.Api.Seeding;

/// <summary>Where the demo scenario lives; unset, nothing is seeded.</summary>
internal sealed class SeedOptions
{
    /// <summary>A folder of <c>*.ndjson</c> seed files, loaded in file-name order.</summary>
    public string? Path { get; set; }

    /// <summary>Where the demo keys are kept (mode 600) and reused across starts; deploy/run.sh prints them.</summary>
    public string? KeysFile { get; set; }
}
