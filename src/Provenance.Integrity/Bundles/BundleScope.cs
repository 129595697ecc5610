using System.Globalization;
using System.Text.Json;

namespace Provenance.Integrity.Bundles;

/// <summary>
/// What an audit bundle was asked for: the manifest's <c>scope</c>. A model version, a dataset or
/// an IRB protocol (stream scopes), or the events recorded in a time range.
/// </summary>
public sealed record BundleScope
{
    /// <summary>The <c>kind</c> of a model-version scope.</summary>
    public const string ModelVersionKind = "model-version";

    /// <summary>The <c>kind</c> of a dataset scope.</summary>
    public const string DatasetKind = "dataset";

    /// <summary>The <c>kind</c> of an IRB-protocol scope.</summary>
    public const string IrbProtocolKind = "irb-protocol";

    /// <summary>The <c>kind</c> of a time-range scope.</summary>
    public const string TimeRangeKind = "time-range";

    /// <summary>How instants are written: UTC with six fraction digits, as an envelope's <c>recordedAt</c>.</summary>
    public const string InstantFormat = "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'ffffff'Z'";

    private BundleScope(string kind)
    {
        Kind = kind;
    }

    /// <summary><c>model-version</c>, <c>dataset</c>, <c>irb-protocol</c> or <c>time-range</c>.</summary>
    public string Kind { get; }

    /// <summary>The model, for a model-version scope.</summary>
    public Guid? ModelId { get; private init; }

    /// <summary>The model version, for a model-version scope.</summary>
    public string? ModelVersion { get; private init; }

    /// <summary>The dataset, for a dataset scope.</summary>
    public Guid? DatasetId { get; private init; }

    /// <summary>The IRB protocol, for an IRB-protocol scope.</summary>
    public Guid? ProtocolId { get; private init; }

    /// <summary>The first instant of a time range (inclusive).</summary>
    public DateTimeOffset? From { get; private init; }

    /// <summary>The end of a time range (exclusive).</summary>
    public DateTimeOffset? To { get; private init; }

    /// <summary>Whether the scope is a set of streams (model version, dataset, protocol) rather than a time range.</summary>
    public bool IsStreamScope => Kind != TimeRangeKind;

    /// <summary>The events of a model version's lineage.</summary>
    /// <exception cref="ArgumentException">The model version is empty.</exception>
    public static BundleScope ForModelVersion(Guid modelId, string modelVersion)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelVersion);
        return new(ModelVersionKind) { ModelId = modelId, ModelVersion = modelVersion };
    }

    /// <summary>The events of a dataset and what was derived from it.</summary>
    public static BundleScope ForDataset(Guid datasetId) => new(DatasetKind) { DatasetId = datasetId };

    /// <summary>The events of an IRB protocol and of what it covered.</summary>
    public static BundleScope ForIrbProtocol(Guid protocolId) => new(IrbProtocolKind) { ProtocolId = protocolId };

    /// <summary>The events recorded from <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive), to the microsecond.</summary>
    /// <exception cref="ArgumentException"><paramref name="to"/> is not after <paramref name="from"/>, or either has a finer precision than a microsecond.</exception>
    public static BundleScope ForTimeRange(DateTimeOffset from, DateTimeOffset to)
    {
        if (from.UtcTicks % TimeSpan.TicksPerMicrosecond != 0 || to.UtcTicks % TimeSpan.TicksPerMicrosecond != 0)
        {
            throw new ArgumentException("A time range is given to the microsecond, as the log records instants.");
        }

        if (to <= from)
        {
            throw new ArgumentException($"A time range ends after it starts; {Instant(to)} is not after {Instant(from)}.", nameof(to));
        }

        return new(TimeRangeKind) { From = from.ToUniversalTime(), To = to.ToUniversalTime() };
    }

    /// <summary>A short description, such as <c>model-version 0192… 1.0</c>.</summary>
    public override string ToString() => Kind switch
    {
        ModelVersionKind => $"model version {ModelVersion} of model {ModelId}",
        DatasetKind => $"dataset {DatasetId}",
        IrbProtocolKind => $"IRB protocol {ProtocolId}",
        _ => $"events recorded from {Instant(From!.Value)} to {Instant(To!.Value)} (exclusive)",
    };

    internal static string Instant(DateTimeOffset instant) => instant.UtcDateTime.ToString(InstantFormat, CultureInfo.InvariantCulture);

    internal void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("kind", Kind);
        switch (Kind)
        {
            case ModelVersionKind:
                writer.WriteString("modelId", ModelId!.Value.ToString("D"));
                writer.WriteString("modelVersion", ModelVersion);
                break;
            case DatasetKind:
                writer.WriteString("datasetId", DatasetId!.Value.ToString("D"));
                break;
            case IrbProtocolKind:
                writer.WriteString("protocolId", ProtocolId!.Value.ToString("D"));
                break;
            default:
                writer.WriteString("from", Instant(From!.Value));
                writer.WriteString("to", Instant(To!.Value));
                break;
        }

        writer.WriteEndObject();
    }

    /// <summary>Reads a manifest's scope; strict: exactly the members of its kind, ids as lowercase UUIDs.</summary>
    /// <exception cref="FormatException">The value is not a scope of this format.</exception>
    internal static BundleScope Parse(JsonElement scope)
    {
        if (scope.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("scope is not an object.");
        }

        var kind = scope.TryGetProperty("kind", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString()! : throw new FormatException("scope has no kind.");
        var (parsed, members) = kind switch
        {
            ModelVersionKind => (ForModelVersion(Id(scope, "modelId"), Text(scope, "modelVersion")), 3),
            DatasetKind => (ForDataset(Id(scope, "datasetId")), 2),
            IrbProtocolKind => (ForIrbProtocol(Id(scope, "protocolId")), 2),
            TimeRangeKind => (TimeRange(scope), 3),
            _ => throw new FormatException($"scope has the unknown kind \"{kind}\"."),
        };
        if (scope.GetPropertyCount() != members)
        {
            throw new FormatException($"A {kind} scope has exactly {members} members.");
        }

        return parsed;
    }

    private static BundleScope TimeRange(JsonElement scope)
    {
        var from = InstantMember(scope, "from");
        var to = InstantMember(scope, "to");
        try
        {
            return ForTimeRange(from, to);
        }
        catch (ArgumentException e)
        {
            throw new FormatException(e.Message, e);
        }
    }

    private static string Text(JsonElement scope, string name) =>
        scope.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new FormatException($"scope.{name} is not a non-empty string.");

    private static Guid Id(JsonElement scope, string name)
    {
        var text = Text(scope, name);
        return EnvelopeReader.TryParseUuid(text, out var id) ? id : throw new FormatException($"scope.{name} is not a lowercase hyphenated UUID.");
    }

    private static DateTimeOffset InstantMember(JsonElement scope, string name)
    {
        var text = Text(scope, name);
        return DateTimeOffset.TryParseExact(text, InstantFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant)
            ? instant
            : throw new FormatException($"scope.{name} is not an instant written yyyy-MM-ddTHH:mm:ss.ffffffZ.");
    }
}
