using System.Diagnostics;

namespace Provenance.Benchmarks;

/// <summary>
/// The latency of the model-lineage query over HTTP on loopback: one client, requests one after
/// another, each timed from send to the last byte of the body.
/// </summary>
internal static class LineageLatency
{
    public static async Task<int> RunAsync(Arguments options)
    {
        var url = new Uri(options.Required("url"));
        var path = $"/models/{options.Required("model")}/versions/{options.Optional("version") ?? "1.0"}/lineage{options.Optional("query") ?? ""}";
        var warmup = options.Number("warmup", 30);
        var iterations = options.Number("iterations", 300);
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromMinutes(2) };
        var bytes = 0L;
        for (var i = 0; i < warmup; i++)
        {
            bytes = (await Fetch(http, path)).LongLength;
        }

        var samples = new List<double>();
        for (var i = 0; i < iterations; i++)
        {
            var started = Stopwatch.GetTimestamp();
            bytes = (await Fetch(http, path)).LongLength;
            samples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        samples.Sort();
        Console.WriteLine($"Lineage {path}: {iterations} requests, {bytes:N0} bytes each; p50 {Report.Percentile(samples, 50):N1} ms, " +
            $"p95 {Report.Percentile(samples, 95):N1} ms, p99 {Report.Percentile(samples, 99):N1} ms.");
        Report.Result("lineage.requests", iterations);
        Report.Result("lineage.bytes", bytes);
        Report.Result("lineage.p50_ms", Report.Percentile(samples, 50));
        Report.Result("lineage.p95_ms", Report.Percentile(samples, 95));
        Report.Result("lineage.p99_ms", Report.Percentile(samples, 99));
        return 0;
    }

    private static async Task<byte[]> Fetch(HttpClient http, string path)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)}");
        }

        return body;
    }
}
