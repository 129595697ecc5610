using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Provenance.Domain.Datasets.ContributingVersion;

/// <summary>One file of a dataset version: where it is within the version, its size and its SHA-256.</summary>
public sealed record ManifestFile(string Path, long ByteSize, string Sha256);

/// <summary>
/// The canonical manifest of a dataset version, and its fingerprint. The canonical form is the
/// files sorted by path (ordinal, UTF-8), one line each: <c>sha256 SP byteSize SP path LF</c>
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
        foreach (var file in files.OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            text.Append(file.Sha256.ToLowerInvariant()).Append(' ')
                .Append(file.ByteSize.ToString(CultureInfo.InvariantCulture)).Append(' ')
                .Append(file.Path).Append('\n');
        }

        return text.ToString();
    }

    public static string Fingerprint(IEnumerable<ManifestFile> files) =>
        FingerprintPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Canonical(files))));
}
