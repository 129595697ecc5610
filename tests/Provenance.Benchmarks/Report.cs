using System.Globalization;

namespace Provenance.Benchmarks;

/// <summary>Prints figures as "RESULT name=value" lines for the benchmark script.</summary>
internal static class Report
{
    public static void Result(string name, double value) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT {name}={value:0.###}"));

    public static void Result(string name, string value) => Console.WriteLine($"RESULT {name}={value}");

    /// <summary>The nearest-rank percentile of sorted samples.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        ArgumentOutOfRangeException.ThrowIfZero(sorted.Count);
        var rank = (int)Math.Ceiling(p / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
