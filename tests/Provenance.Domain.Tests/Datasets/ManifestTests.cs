using System.Security.Cryptography;
using System.Text;
using Provenance.Domain.Datasets.ContributingVersion;

namespace Provenance.Domain.Tests.Datasets;

public sealed class ManifestTests
{
    private static readonly string HashA = new('a', 64);
    private static readonly string HashB = new('b', 64);
    private static readonly string HashC = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    // Listed out of order on purpose; ordinal order is "B.csv" < "a.csv" < "a/x.csv" < "b.csv"
    // (uppercase before lowercase, '.' before '/'), which no culture-aware sort produces.
    private static readonly ManifestFile[] Files =
    [
        new("b.csv", 3, HashA),
        new("a/x.csv", 1_234_567, HashB),
        new("B.csv", 0, HashC.ToUpperInvariant()),
        new("a.csv", 42, HashC),
    ];

    private static readonly string ExpectedCanonical =
        $"{HashC} 0 B.csv\n" +
        $"{HashC} 42 a.csv\n" +
        $"{HashB} 1234567 a/x.csv\n" +
        $"{HashA} 3 b.csv\n";

    [Fact]
    public void The_canonical_manifest_is_one_line_per_file_sorted_by_path_ordinally()
    {
        Assert.Equal(ExpectedCanonical, Manifest.Canonical(Files));
    }

    [Fact]
    public void The_canonical_manifest_writes_hashes_in_lowercase_and_keeps_paths_as_they_are()
    {
        var canonical = Manifest.Canonical([new ManifestFile("Scans/CT-01.DCM", 7, "ABCDEF" + new string('0', 58))]);

        Assert.Equal("abcdef" + new string('0', 58) + " 7 Scans/CT-01.DCM\n", canonical);
    }

    [Fact]
    public void The_fingerprint_is_the_sha256_of_the_literal_canonical_bytes()
    {
        var expected = "sha256:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(ExpectedCanonical))).ToLowerInvariant();

        Assert.Equal(expected, Manifest.Fingerprint(Files));
    }

    [Fact]
    public void The_example_in_the_event_catalogue_has_the_fingerprint_published_there()
    {
        ManifestFile[] files =
        [
            new("conditions.parquet", 48_213_775, "4f3374212c0d0ed876ebdbc4cfabecb8125a89ed9b94cbff746c1dc2d642ab8b"),
            new("encounters.parquet", 131_904_228, "8172915c10041275eba6a67ed292f5d8e5558c96017fd83c5569d00ff68f56cd"),
            new("labs.parquet", 402_118_660, "a6ed8ec763ca2e5256dd0a0adbc7e5dbcf05bc7a647ab3924e2fb8bf4c16e77f"),
            new("medications.parquet", 97_551_302, "56c9ec61328fc0ddac3868f8376160078afc6ff41de32ae4107fc99a9ad86752"),
            new("README.md", 6_418, "b964daecdd5245385990c1b62a5ca5778b5b7efaa657206d7626e0ff2c8022c5"),
        ];

        Assert.Equal("sha256:4949d71ff44e395997f5702aef7fb2091e67d042fec8770f0e1e6f7f2faf6c9c", Manifest.Fingerprint(files));
    }

    [Fact]
    public void Non_ascii_paths_are_hashed_as_utf8()
    {
        // "é" is the two bytes C3 A9 in UTF-8.
        byte[] line = [.. Encoding.ASCII.GetBytes(HashA + " 5 r"), 0xC3, 0xA9, .. Encoding.ASCII.GetBytes("sume.txt\n")];

        var fingerprint = Manifest.Fingerprint([new ManifestFile("r\u00e9sume.txt", 5, HashA)]);

        Assert.Equal("sha256:" + Convert.ToHexString(SHA256.HashData(line)).ToLowerInvariant(), fingerprint);
    }

    [Fact]
    public void The_fingerprint_of_an_empty_manifest_is_the_well_known_hash_of_nothing()
    {
        Assert.Equal("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Manifest.Fingerprint([]));
    }

    [Fact]
    public void The_fingerprint_does_not_depend_on_the_order_files_are_listed_in()
    {
        Assert.Equal(Manifest.Fingerprint(Files), Manifest.Fingerprint(Files.Reverse()));
    }

    [Fact]
    public void The_fingerprint_changes_when_any_size_changes()
    {
        var changed = Files.Select(f => f.Path == "a.csv" ? f with { ByteSize = 43 } : f);

        Assert.NotEqual(Manifest.Fingerprint(Files), Manifest.Fingerprint(changed));
    }

    [Fact]
    public void Paths_are_sorted_by_their_utf8_bytes_as_standard_tools_sort_them()
    {
        // U+FF5E is EF BD 9E in UTF-8 and U+1F600 is F0 9F 98 80, so byte order (the documented
        // `LC_ALL=C sort`, and Go or Python sorting) puts U+FF5E first, while StringComparer.Ordinal
        // compares UTF-16 code units and puts the surrogate pair D83D DE00 first.
        var canonical = Manifest.Canonical([new ManifestFile("\U0001F600.txt", 1, HashA), new ManifestFile("\uFF5E.txt", 1, HashB)]);

        Assert.Equal($"{HashB} 1 \uFF5E.txt\n{HashA} 1 \U0001F600.txt\n", canonical);
    }
}
