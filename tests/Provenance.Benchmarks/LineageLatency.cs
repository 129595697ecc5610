using System.Diagnostics;
using System.Net.Http.Json;

namespace Provenance.Benchmarks;

/// <summary>
/// The latency of the model-lineage query over HTTP on loopback: one client, requests one after
/// another, each timed from send to the last byte of the body. With <c>--writes-per-second N</c>, a
/// second client registers unrelated datasets through the API meanwhile, so the log moves between
/// queries (answers cannot be reused by log position; only by what they depend on).
/// </summary>
internal static class LineageLatency
{
    public static async Task<int> RunAsync(Arguments options)
    {
        var url = new Uri(options.Required("url"));
        var path = $"/models/{options.Required("model")}/versions/{options.Optional("version") ?? "1.0"}/lineage{options.Optional("query") ?? ""}";
        var warmup = options.Number("warmup", 30);
        var iterations = options.Number("iterations", 300);
        var writesPerSecond = options.Number("writes-per-second", 0);
        var label = options.Optional("label") ?? "lineage";
        using var http = Client(url, TimeSpan.FromMinutes(2));
        using var stop = new CancellationTokenSource();
        var writer = writesPerSecond > 0 ? Task.Run(() => WriteAsync(url, writesPerSecond, stop.Token)) : Task.FromResult(0);
        var bytes = 0L;
        for (var i = 0; i < warmup; i++)
        {
            bytes = await Fetch(http, path);
        }

        var samples = new List<double>();
        for (var i = 0; i < iterations; i++)
        {
            var started = Stopwatch.GetTimestamp();
            bytes = await Fetch(http, path);
            samples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        await stop.CancelAsync();
        var writes = await writer;
        samples.Sort();
        Console.WriteLine($"Lineage {path}: {iterations} requests, {bytes:N0} bytes each; p50 {Report.Percentile(samples, 50):N1} ms, " +
            $"p95 {Report.Percentile(samples, 95):N1} ms, p99 {Report.Percentile(samples, 99):N1} ms" +
            (writesPerSecond > 0 ? $"; {writes} unrelated appends meanwhile." : "."));
        Report.Result($"{label}.requests", iterations);
        Report.Result($"{label}.bytes", bytes);
        Report.Result($"{label}.p50_ms", Report.Percentile(samples, 50));
        Report.Result($"{label}.p95_ms", Report.Percentile(samples, 95));
        Report.Result($"{label}.p99_ms", Report.Percentile(samples, 99));
        Report.Result($"{label}.writes", writes);
        return 0;
    }

    private static async Task<int> WriteAsync(Uri url, long perSecond, CancellationToken cancellationToken)
    {
        using var http = Client(url, TimeSpan.FromSeconds(100));
        var interval = TimeSpan.FromSeconds(1.0 / perSecond);
        var count = 0;
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                using var response = await http.PostAsJsonAsync(new Uri("/datasets", UriKind.Relative), new
                {
                    name = $"Benchmark background registration {count}",
                    description = "Registered while the lineage query is measured, so the log moves.",
                    steward = "Benchmark steward",
                    sourceInstitution = "Benchmark Health",
                    modality = "structured-ehr",
                    collectionPeriod = new { start = "2019-01-01", end = "2023-12-31" },
                    recordCount = 1_000,
                    patientCount = 100,
                }, CancellationToken.None);
                response.EnsureSuccessStatusCode();
                count++;
            }
        }
        catch (OperationCanceledException)
        {
        }

        return count;
    }

    /// <summary>A client of the API with the key in PROVENANCE_API_KEY (an administrator's, so it may also write).</summary>
    internal static HttpClient Client(Uri url, TimeSpan timeout)
    {
        var http = new HttpClient { BaseAddress = url, Timeout = timeout };
        if (Environment.GetEnvironmentVariable("PROVENANCE_API_KEY") is { Length: > 0 } key)
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("ApiKey", key);
        }

        return http;
    }

    // The body is read to its last byte into one reused buffer: a 2 MB array per answer made the
    // client's own garbage collections part of the measured latency.
    private static readonly byte[] Sink = new byte[1 << 16];

    private static async Task<long> Fetch(HttpClient http, string path)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        await using var body = await response.Content.ReadAsStreamAsync();
        var total = 0L;
        int read;
        while ((read = await body.ReadAsync(Sink)) > 0)
        {
            total += read;
        }

        return total;
    }
}
