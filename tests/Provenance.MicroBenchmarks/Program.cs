using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// The hot in-process paths, measured by BenchmarkDotNet in this process (no generated project to
// build): canonicalization, hashing, proof verification and event serialization, each against a
// baseline in the same class (Ratio column). `--tiny` runs each once (CI checks that they run);
// other arguments go to BenchmarkDotNet (e.g. --filter *Proof*).
var tiny = args.Contains("--tiny");
var job = tiny
    ? Job.Dry.WithToolchain(InProcessEmitToolchain.Instance)
    : Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance);
var config = ManualConfig.CreateMinimumViable()
    .AddJob(job)
    .AddExporter(MarkdownExporter.GitHub)
    .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "provenance-microbenchmarks"));
var summaries = BenchmarkSwitcher.FromAssembly(typeof(Provenance.MicroBenchmarks.Samples).Assembly)
    .Run([.. args.Where(a => a != "--tiny"), .. args.Any(a => a.StartsWith("--filter", StringComparison.Ordinal)) ? [] : new[] { "--filter", "*" }], config);
return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
