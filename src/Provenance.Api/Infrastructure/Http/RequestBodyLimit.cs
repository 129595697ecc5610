using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Provenance.Api.Infrastructure.Http;

/// <summary><c>Provenance:Limits</c>: the largest request bodies, bound and validated at start (#15).</summary>
internal sealed class LimitsOptions
{
    public const string Section = "Provenance:Limits";

    /// <summary>Any request but an import (1 MiB by default).</summary>
    [Range(1024, 1L << 30)]
    public long MaxRequestBodyBytes { get; set; } = RequestBodyLimitMiddleware.DefaultMaxBytes;

    /// <summary>The whole body of one import (256 MiB by default: #14, bounded; the CLI sends 512 KiB per request).</summary>
    [Range(1024, 1L << 40)]
    public long MaxImportBodyBytes { get; set; } = RequestBodyLimitMiddleware.DefaultMaxImportBytes;
}

/// <summary>Marks an endpoint whose body may be larger than the general limit (the streamed bulk import).</summary>
internal sealed class LargeRequestBody;

/// <summary>
/// Refuses request bodies over <c>Provenance:Limits:MaxRequestBodyBytes</c> (1 MiB by default) with
/// <c>413 payload-too-large</c>, before anything reads them: at once when Content-Length says so,
/// otherwise as soon as the body read passes the limit. Kestrel enforces the same limit itself;
/// this makes it hold on any server (and in-process tests) and says so in a problem.
/// Endpoints marked <see cref="LargeRequestBody"/> are held to <c>MaxImportBodyBytes</c> instead
/// (256 MiB by default).
/// </summary>
internal sealed class RequestBodyLimitMiddleware(RequestDelegate next, IOptions<LimitsOptions> options)
{
    public const long DefaultMaxBytes = 1024 * 1024;

    public const long DefaultMaxImportBytes = 256L * 1024 * 1024;

    private readonly long _max = options.Value.MaxRequestBodyBytes;
    private readonly long _maxImport = options.Value.MaxImportBodyBytes;

    public Task InvokeAsync(HttpContext context)
    {
        var large = context.GetEndpoint()?.Metadata.GetMetadata<LargeRequestBody>() is not null;
        var max = large ? _maxImport : _max;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            // An import is limited here, by what it has read, not by Kestrel, which counts what it has
            // received ahead of the reader and would refuse lines that were read within the limit.
            // Kestrel still holds at most its request buffer (1 MiB) ahead of the reader.
            feature.MaxRequestBodySize = large ? null : max;
        }

        if (context.Request.ContentLength > max)
        {
            throw TooLarge(max);
        }

        context.Request.Body = new LimitedStream(context.Request.Body, max);
        return next(context);
    }

    public static BadHttpRequestException TooLarge(long max) =>
        new($"The request body is larger than the {max:N0} bytes this endpoint accepts.", StatusCodes.Status413PayloadTooLarge);

    /// <summary>A read-only view of the body that fails once more than the limit has been read.</summary>
    private sealed class LimitedStream(Stream inner, long max) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => inner.CanSeek;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position
        {
            get => inner.Position;
            set => inner.Position = value;
        }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Count(int read)
        {
            // A buffered body read again from the start (the idempotency fingerprint rewinds it) is not new input.
            _read = CanSeek ? Math.Max(_read, inner.Position) : _read + read;
            return _read > max ? throw TooLarge(max) : read;
        }
    }
}
