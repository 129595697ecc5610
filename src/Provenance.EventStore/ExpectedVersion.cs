namespace Provenance.EventStore;

/// <summary>What a writer expects of a stream's version when it appends.</summary>
public readonly record struct ExpectedVersion
{
    private ExpectedVersion(long value) => Value = value;

    /// <summary>-1 for <see cref="Any"/>, 0 for <see cref="NoStream"/>, otherwise the exact version.</summary>
    public long Value { get; }

    /// <summary>Append whatever the stream's version is.</summary>
    public static ExpectedVersion Any { get; } = new(-1);

    /// <summary>The stream must not exist yet.</summary>
    public static ExpectedVersion NoStream { get; } = new(0);

    /// <summary>The stream must be at exactly <paramref name="version"/> (1 or more).</summary>
    public static ExpectedVersion Exactly(long version) =>
        version >= 1
            ? new ExpectedVersion(version)
            : throw new ArgumentOutOfRangeException(nameof(version), version, "An exact stream version is 1 or more; use NoStream for a new stream.");

    /// <inheritdoc />
    public override string ToString() => Value switch
    {
        -1 => "any",
        0 => "no stream",
        _ => Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
