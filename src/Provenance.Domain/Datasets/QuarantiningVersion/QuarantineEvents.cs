namespace Provenance.Domain.Datasets.QuarantiningVersion;

/// <summary>A dataset version was put in quarantine: it may not be used until released.</summary>
public sealed record DatasetVersionQuarantined(Guid DatasetId, int Version, string Reason, string QuarantinedBy, DateTimeOffset QuarantinedAt);

/// <summary>A quarantined dataset version was released for use again.</summary>
public sealed record DatasetVersionReleased(Guid DatasetId, int Version, string Reason, string ReleasedBy, DateTimeOffset ReleasedAt);
