using System.Globalization;
using System.Text.RegularExpressions;

namespace Provenance.Api.Tests.Telemetry;

/// <summary>A Prometheus text exposition, parsed enough to sum a metric's samples by label.</summary>
public sealed partial class PrometheusText
{
    private readonly List<Sample> _samples = [];

    public PrometheusText(string text)
    {
        Text = text;
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var match = SampleLine().Match(line);
            Assert.True(match.Success, $"Not a sample line: {line}");
            var labels = LabelPair().Matches(match.Groups["labels"].Value)
                .ToDictionary(m => m.Groups["name"].Value, m => m.Groups["value"].Value, StringComparer.Ordinal);
            _samples.Add(new Sample(match.Groups["name"].Value, labels, ParseValue(match.Groups["value"].Value)));
        }
    }

    public string Text { get; }

    public IEnumerable<string> Names => _samples.Select(s => s.Name).Distinct(StringComparer.Ordinal);

    /// <summary>Every label name used by a metric whose name starts with <paramref name="prefix"/>.</summary>
    public IEnumerable<(string Metric, string Label, string Value)> LabelsOf(string prefix) => _samples
        .Where(s => s.Name.StartsWith(prefix, StringComparison.Ordinal))
        .SelectMany(s => s.Labels.Select(l => (s.Name, l.Key, l.Value)));

    /// <summary>The sum of <paramref name="name"/>'s samples whose labels include <paramref name="labels"/> (0 when none).</summary>
    public double Sum(string name, params (string Name, string Value)[] labels) => _samples
        .Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Name, out var v) && v == l.Value))
        .Sum(s => s.Value);

    public bool Has(string name, params (string Name, string Value)[] labels) =>
        _samples.Any(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Name, out var v) && v == l.Value));

    private static double ParseValue(string value) => value switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(value, CultureInfo.InvariantCulture),
    };

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)( \d+)?$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex("""(?<name>[a-zA-Z_][a-zA-Z0-9_]*)="(?<value>(?:[^"\\]|\\.)*)"\s*,?""")]
    private static partial Regex LabelPair();

    private sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
}
