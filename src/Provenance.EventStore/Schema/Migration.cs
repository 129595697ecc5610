using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace Provenance.EventStore.Schema;

/// <summary>One numbered, forward-only schema change.</summary>
/// <param name="Version">Its number; migrations apply in ascending order, once each.</param>
/// <param name="Name">Its descriptive name.</param>
/// <param name="Sql">Its SQL; <c>{schema}</c> stands for the quoted schema name.</param>
public sealed record Migration(int Version, string Name, string Sql)
{
    /// <summary>SHA-256 of the SQL, so an edited, already applied migration is caught.</summary>
    public string Checksum { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql)));

    /// <summary>
    /// The migrations embedded in <paramref name="assembly"/> as resources named
    /// <c>NNNN_name.sql</c> (in any folder).
    /// </summary>
    public static IReadOnlyList<Migration> FromAssembly(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.EndsWith(".sql", StringComparison.Ordinal)))
        {
            var fileName = resource[..^4];
            fileName = fileName[(fileName.LastIndexOf('.') + 1)..];
            var underscore = fileName.IndexOf('_', StringComparison.Ordinal);
            if (underscore <= 0 || !int.TryParse(fileName[..underscore], out var version))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            migrations.Add(new Migration(version, fileName[(underscore + 1)..], reader.ReadToEnd()));
        }

        return migrations;
    }
}
