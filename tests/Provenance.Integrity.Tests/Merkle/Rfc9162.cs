using System.Security.Cryptography;

namespace Provenance.Integrity.Tests.Merkle;

/// <summary>
/// RFC 9162 section 2.1 written as literally as possible (recursion over the whole leaf list), as
/// the oracle the library's O(log n) algorithms are checked against.
/// </summary>
internal static class Rfc9162
{
    public static byte[] Mth(IReadOnlyList<byte[]> leaves, int begin, int end)
    {
        var n = end - begin;
        if (n == 0)
        {
            return SHA256.HashData([]);
        }

        if (n == 1)
        {
            return leaves[begin];
        }

        var k = LargestPowerOfTwoBelow(n);
        return SHA256.HashData([0x01, .. Mth(leaves, begin, begin + k), .. Mth(leaves, begin + k, end)]);
    }

    /// <summary>PATH(m, D[begin:end]).</summary>
    public static List<byte[]> Path(int m, IReadOnlyList<byte[]> leaves, int begin, int end)
    {
        var n = end - begin;
        if (n == 1)
        {
            return [];
        }

        var k = LargestPowerOfTwoBelow(n);
        return m < k
            ? [.. Path(m, leaves, begin, begin + k), Mth(leaves, begin + k, end)]
            : [.. Path(m - k, leaves, begin + k, end), Mth(leaves, begin, begin + k)];
    }

    /// <summary>SUBPROOF(m, D[begin:end], b).</summary>
    public static List<byte[]> Subproof(int m, IReadOnlyList<byte[]> leaves, int begin, int end, bool b)
    {
        var n = end - begin;
        if (m == n)
        {
            return b ? [] : [Mth(leaves, begin, end)];
        }

        var k = LargestPowerOfTwoBelow(n);
        return m <= k
            ? [.. Subproof(m, leaves, begin, begin + k, b), Mth(leaves, begin + k, end)]
            : [.. Subproof(m - k, leaves, begin + k, end, false), Mth(leaves, begin, begin + k)];
    }

    private static int LargestPowerOfTwoBelow(int n)
    {
        var k = 1;
        while (k << 1 < n)
        {
            k <<= 1;
        }

        return k;
    }
}
