using System.Diagnostics;
using System.Text;
using Provenance.Domain.Common;
using Provenance.EventStore.Serialization;
using Provenance.Integrity.Bundles;
using Provenance.Scenarios;

namespace Provenance.Benchmarks;

/// <summary>
/// #22: the memory a whole-ledger bundle's PROV document takes, measured on the builder alone
/// (no database, no service): the scenario's events at a given size are fed to it as the export
/// feeds them, then the document is written to a counting sink. Reports the heap still live once
/// every envelope is in, the most found live while writing (a full collection every 64 MB
/// written), and the temporary disk its sorted runs took.
/// </summary>
internal static class ProvMemory
{
    public static async Task<int> RunAsync(Arguments options)
    {
        var events = options.Number("events", 1_000_000);
        var seed = (int)options.Number("seed", 20261122);
        var registry = new EventTypeRegistry();
        foreach (var (type, name, version) in EventCatalog.All)
        {
            registry.Register(type, name, version);
        }

        var serializer = new EventSerializer(registry, EventJson.Options);
        var generator = new ScenarioGenerator(seed, events, new FlagshipShape((int)options.Number("chains", 100), (int)options.Number("depth", 10)));
        var spill = Directory.CreateTempSubdirectory("provenance-prov-memory-");
        var previousTemp = Environment.GetEnvironmentVariable("TMPDIR");
        try
        {
            // The builder makes its runs in the temporary folder: point it at one of our own to measure them.
            Environment.SetEnvironmentVariable("TMPDIR", spill.FullName);
            GC.Collect();
            var baseline = GC.GetTotalMemory(forceFullCollection: true);
            using var builder = new ProvDocumentBuilder();
            long described = 0;
            var clock = Stopwatch.StartNew();
            foreach (var append in generator.Generate())
            {
                foreach (var @event in append.Events)
                {
                    var (type, json) = serializer.Serialize(@event);
                    if (ProvDocumentBuilder.Describes(type.Name))
                    {
                        builder.Add(Encoding.UTF8.GetBytes($$"""{"type":"{{type.Name}}","data":{{json}}}"""));
                        described++;
                    }
                }
            }

            var addSeconds = clock.Elapsed.TotalSeconds;
            var held = GC.GetTotalMemory(forceFullCollection: true) - baseline;
            var sink = new CountingSink(baseline);
            clock.Restart();
            await builder.WriteCanonicalAsync(sink);
            var writeSeconds = clock.Elapsed.TotalSeconds;
            var spilled = spill.EnumerateFiles().Sum(f => f.Length);
            var peak = Math.Max(sink.PeakLive, held);

            Console.WriteLine($"PROV document of {generator.EventCount:N0} events ({described:N0} it describes): {held / 1e6:N1} MB held once they are in, " +
                $"at most {peak / 1e6:N1} MB live while writing {sink.Length / 1e6:N0} MB in {writeSeconds:N1} s; {spilled / 1e6:N0} MB of sorted runs on disk.");
            Report.Result("prov.events", generator.EventCount);
            Report.Result("prov.described", described);
            Report.Result("prov.add_seconds", addSeconds);
            Report.Result("prov.held_mb", held / 1e6);
            Report.Result("prov.peak_live_mb", peak / 1e6);
            Report.Result("prov.write_seconds", writeSeconds);
            Report.Result("prov.document_mb", sink.Length / 1e6);
            Report.Result("prov.spilled_mb", spilled / 1e6);
            return 0;
        }
        finally
        {
            Environment.SetEnvironmentVariable("TMPDIR", previousTemp);
            spill.Delete(recursive: true);
        }
    }

    /// <summary>Counts what is written, and now and then collects fully to see what is live.</summary>
    private sealed class CountingSink(long baseline) : Stream
    {
        private const long SampleEvery = 64L << 20;
        private long _length;
        private long _nextSample = SampleEvery;

        public long PeakLive { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position
        {
            get => _length;
            set => throw new NotSupportedException();
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Count(count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Count(buffer.Length);
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Count(count);
            return Task.CompletedTask;
        }

        private void Count(int bytes)
        {
            _length += bytes;
            if (_length >= _nextSample)
            {
                _nextSample += SampleEvery;
                PeakLive = Math.Max(PeakLive, GC.GetTotalMemory(forceFullCollection: true) - baseline);
            }
        }
    }
}
