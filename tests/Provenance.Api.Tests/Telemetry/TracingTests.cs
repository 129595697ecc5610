using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Provenance.Api.Tests.Telemetry;

/// <summary>An instance that records spans (as with an OTLP endpoint), exported to memory.</summary>
public sealed class TracingFixture : ApiFixture
{
    public ConcurrentQueue<Activity> Spans { get; } = new();

    protected override void Configure(IWebHostBuilder web)
    {
        web.UseSetting("Provenance:Telemetry:Tracing", "true");
        web.ConfigureServices(services => services.ConfigureOpenTelemetryTracerProvider(tracing =>
            tracing.AddProcessor(new SimpleActivityExportProcessor(new QueueExporter(Spans)))));
    }

    private sealed class QueueExporter(ConcurrentQueue<Activity> spans) : BaseExporter<Activity>
    {
        public override ExportResult Export(in Batch<Activity> batch)
        {
            foreach (var span in batch)
            {
                spans.Enqueue(span);
            }

            return ExportResult.Success;
        }
    }
}

// In the process-wide collection: a span listener hears every instance in the process.
[Collection(ProcessWideTelemetry.Name)]
public sealed class TracingTests(TracingFixture api) : IClassFixture<TracingFixture>
{
    [Fact]
    public async Task A_write_is_one_trace_from_the_request_through_the_command_and_the_append_to_the_transaction_that_commits_it()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var marker = "Traced dataset " + Guid.NewGuid().ToString("N");
        var request = Requests.Post("/datasets", Requests.ValidDataset(marker));
        request.Headers.Add("traceparent", $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");

        using var response = await api.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        var trace = await Provenance.Testing.Eventually.ReturnsAsync(
            () => Task.FromResult(api.Spans.Where(s => s.TraceId == traceId).ToList()),
            spans => spans.Any(s => s.Kind == ActivityKind.Server) && spans.Any(s => s.OperationName == "provenance.append"),
            "the request's spans are exported");
        var server = Assert.Single(trace, s => s.Kind == ActivityKind.Server);
        Assert.Equal("POST /datasets/", server.DisplayName);
        var command = Assert.Single(trace, s => s.Source.Name == "Provenance.Ledger" && s.OperationName.StartsWith("Register", StringComparison.Ordinal));
        var append = Assert.Single(trace, s => s.OperationName == "provenance.append");
        Assert.Equal(command.SpanId, append.ParentSpanId);
        Assert.Equal("appended", append.GetTagItem("provenance.append.outcome"));
        Assert.Equal("dataset", append.GetTagItem("provenance.stream.type"));

        // The transaction is a trace of its own (it carries other callers' appends too), linked to this append.
        var commit = await Provenance.Testing.Eventually.ReturnsAsync(
            () => Task.FromResult(api.Spans.FirstOrDefault(s => s.OperationName == "provenance.group_commit" && s.Links.Any(l => l.Context.SpanId == append.SpanId))),
            s => s is not null, "the group commit's span is exported");
        Assert.Contains(api.Spans, s => s.Source.Name == "Npgsql" && s.TraceId == commit!.TraceId && s.ParentSpanId == commit.SpanId);

        // No span of the request names the dataset: names are free text the ledger keeps, not telemetry.
        Assert.DoesNotContain(trace.Concat([commit!]), s => s.TagObjects.Any(t => t.Value?.ToString()?.Contains(marker, StringComparison.Ordinal) == true));
    }

    [Fact]
    public async Task Probes_and_scrapes_make_no_spans()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var request = new HttpRequestMessage(HttpMethod.Get, "/health/ready");
        request.Headers.Add("traceparent", $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        using var response = await api.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // A request made after it is exported first if the probe had made one.
        var later = ActivityTraceId.CreateRandom();
        var marker = new HttpRequestMessage(HttpMethod.Get, $"/datasets/{Guid.NewGuid()}");
        marker.Headers.Add("traceparent", $"00-{later.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        using (await api.Client.SendAsync(marker))
        {
        }

        await Provenance.Testing.Eventually.HoldsAsync(() => Task.FromResult(api.Spans.Any(s => s.TraceId == later && s.Kind == ActivityKind.Server)),
            "the later request's span is exported");
        Assert.DoesNotContain(api.Spans, s => s.TraceId == traceId && s.Kind == ActivityKind.Server);
    }
}
