using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Provenance.Domain.Datasets.ContributingVersion;

/// <summary>One file of a dataset version: where it is within the version, its size and its SHA-256.</summary>
public sealed record ManifestFile(string Path, long ByteSize, string Sha256);

/// <summary>
/// The canonical manifest of a dataset version, and its fingerprint. The canonical form is the
/// files sorted by path (by their UTF-8 bytes), one line each: <c>sha256 SP byteSize SP path LF</c>
/// (lowercase hex). The fingerprint is <c>sha256:</c> + the lowercase hex SHA-256 of those bytes,
/// so anyone can recompute it with standard tools.
/// </summary>
public static class Manifest
{
    public const string FingerprintPrefix = "sha256:";

    public static string Canonical(IEnumerable<ManifestFile> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var text = new StringBuilder();
        foreach (var file in files.OrderBy(f => f.Path, Utf8Order.Instance))
        {
            text.Append(file.Sha256.ToLowerInvariant()).Append(' ')
                .Append(file.ByteSize.ToString(CultureInfo.InvariantCulture)).Append(' ')
                .Append(file.Path).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Whether a path can stand in the canonical form: no control characters (a line break would forge lines).</summary>
    public static bool IsValidPath(string path) => !string.IsNullOrEmpty(path) && !path.Any(char.IsControl);

    public static string Fingerprint(IEnumerable<ManifestFile> files) =>
        FingerprintPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Canonical(files))));
}

/// <summary>
/// Orders strings by their UTF-8 bytes, as <c>LC_ALL=C sort</c> and most languages' byte-wise
/// comparisons do. That is Unicode code point order, which UTF-16 ordinal comparison is not for
/// characters above U+FFFF.
/// </summary>
internal sealed class Utf8Order : IComparer<string>
{
    public static Utf8Order Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        if (x is null || y is null)
        {
            return x is null ? (y is null ? 0 : -1) : 1;
        }

        var left = x.EnumerateRunes();
        var right = y.EnumerateRunes();
        while (true)
        {
            var hasLeft = left.MoveNext();
            var hasRight = right.MoveNext();
            if (!hasLeft || !hasRight)
            {
                return hasLeft.CompareTo(hasRight);
            }

            var order = left.Current.Value.CompareTo(right.Current.Value);
            if (order != 0)
            {
                return order;
            }
        }
    }
}
