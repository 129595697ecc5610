using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Spectre.Console;

namespace Provenance.Cli.Importing;

/// <summary>
/// Sends an NDJSON file to <c>POST /imports</c> and follows the answers line by line. Request
/// bodies stream from the file, in batches of whole lines (see <see cref="MaxBatchBytes"/> and
/// <see cref="NdjsonBatchContent"/>), and each result is counted, reported and (when it failed)
/// written out as it arrives, so an import of any size runs in bounded memory.
/// </summary>
internal sealed class BulkImporter
{
    public const int FailuresShown = 10;

    /// <summary>
    /// The most bytes of lines one request carries. Over HTTP/1.1, HttpClient reads no response
    /// before it has sent the whole request, while the API answers each line as it reads it: in
    /// one large request, the unread results fill the socket and Kestrel's 64 KiB response
    /// buffer, the API stops reading, and both sides wait forever (a 25 MB import never got its
    /// first result). Kestrel reads up to 1 MiB of a request ahead of the API, so a request of at
    /// most this size is always sent in full before its results need reading. It also keeps
    /// every request far below Kestrel's default 30 MB body limit.
    /// </summary>
    public const int MaxBatchBytes = 512 * 1024;

    private const string NdJson = "application/x-ndjson";
    private const int BufferSize = 64 * 1024;
    private const int MaxIdempotencyKeyLength = 200;

    private readonly HttpClient _http;
    private readonly IAnsiConsole _console;
    private readonly IAnsiConsole _errors;
    private readonly Uri _endpoint;

    /// <param name="http">A client whose base address is the API's (a path prefix is kept).</param>
    /// <param name="console">Progress and the summary.</param>
    /// <param name="errors">Error messages; the same console as <paramref name="console"/> when omitted.</param>
    public BulkImporter(HttpClient http, IAnsiConsole console, IAnsiConsole? errors = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(console);
        _http = http;
        _console = console;
        _errors = errors ?? console;
        _endpoint = new Uri(http.BaseAddress ?? throw new ArgumentException("The client needs the API as its base address.", nameof(http)), "imports");
    }

    public async Task<ImportOutcome> ImportAsync(ImportRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var tally = new ImportTally(FailuresShown);
        try
        {
            await RunAsync(request, tally, cancellationToken).ConfigureAwait(false);
            ImportReport.Write(_console, tally, request.FailuresFile);
            return new ImportOutcome(tally.Failed == 0 ? ExitCodes.Success : ExitCodes.LinesFailed, tally);
        }
        catch (ImportAbortedException e)
        {
            WritePartialReport(request, tally);
            _errors.WriteError(tally.Total == 0
                ? e.Message
                : $"{e.Message} {tally.Total:N0} lines were answered before that. {ResumeAdvice(request)}");
            return new ImportOutcome(ExitCodes.UsageOrConnectionError, tally);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            WritePartialReport(request, tally);
            _errors.WriteError($"Interrupted after {tally.Total:N0} results. {ResumeAdvice(request)}");
            return new ImportOutcome(ExitCodes.Interrupted, tally);
        }
    }

    private async Task RunAsync(ImportRequest request, ImportTally tally, CancellationToken cancellationToken)
    {
        var idempotencyKey = CheckIdempotencyKey(request.IdempotencyKey);
        var file = request.File;
        if (!file.Exists)
        {
            throw new ImportAbortedException($"The file '{file}' does not exist.");
        }

        await using var failures = OpenOutputFile(request, request.FailuresFile, "--failures");
        await using var results = OpenOutputFile(request, request.ResultsFile, "--results");
        var scan = await ReadFileAsync(file, () => NdjsonFile.ScanAsync(file, MaxBatchBytes, cancellationToken)).ConfigureAwait(false);
        _console.WriteLine(scan.Batches.Count > 1
            ? $"Importing {Lines(scan.CommandLines)} from {file.Name} to {_endpoint} in {scan.Batches.Count:N0} requests"
            : $"Importing {Lines(scan.CommandLines)} from {file.Name} to {_endpoint}");

        await ImportProgress.RunAsync(_console, scan.CommandLines, async advance =>
        {
            foreach (var batch in scan.Batches)
            {
                // Results of lines before this one were counted from an earlier answer to this batch.
                var countFrom = batch.FirstLine;
                while (true)
                {
                    // Disposed only once its results are read: the body may still be streaming when the headers arrive.
                    var address = batch.FirstLine == 1 ? _endpoint : new Uri(_endpoint, $"?firstLine={batch.FirstLine.ToString(CultureInfo.InvariantCulture)}");
                    using var message = new HttpRequestMessage(HttpMethod.Post, address) { Content = new NdjsonBatchContent(file, batch) };
                    message.Content.Headers.ContentType = new MediaTypeHeaderValue(NdJson) { CharSet = "utf-8" };
                    if (idempotencyKey is not null)
                    {
                        message.Headers.Add("Idempotency-Key", idempotencyKey);
                    }

                    using var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
                    var summary = await ReadResultsAsync(response, countFrom, tally, failures, results, advance, cancellationToken).ConfigureAwait(false);
                    if (summary.Complete)
                    {
                        break;
                    }

                    countFrom = summary.StoppedAtLine ?? throw new ImportAbortedException("The API stopped the import without saying where.");
                    await WaitToResumeAsync(summary, idempotencyKey, cancellationToken).ConfigureAwait(false);
                }
            }
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// The API stopped a request before its end. Its rate limit is waited out and the batch sent
    /// again under the same idempotency key (lines already written are replayed, not written twice,
    /// and cost no request); anything else ends the import.
    /// </summary>
    private async Task WaitToResumeAsync(ImportSummary summary, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var why = summary.Problem?.Describe() ?? "no reason given";
        if (summary.RetryAfter is not { } seconds)
        {
            throw new ImportAbortedException($"The API stopped the import before line {summary.StoppedAtLine:N0}: {why}");
        }

        if (idempotencyKey is null)
        {
            throw new ImportAbortedException(
                $"The API's rate limit stopped the import before line {summary.StoppedAtLine:N0}. Without an --idempotency-key, sending " +
                "the lines again could record them twice: wait, then send only the lines from there on, or use --idempotency-key.");
        }

        _console.WriteLine($"The API's rate limit stopped the import before line {summary.StoppedAtLine:N0}; resuming in {seconds} s.");
        await Task.Delay(TimeSpan.FromSeconds(seconds), cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage message, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            throw new ImportAbortedException(
                $"Could not connect to the Provenance API at {_http.BaseAddress} ({e.Message}). Is it running? " +
                $"Pass its address with --api or set {ApiAddress.EnvironmentVariable}.", e);
        }
        catch (HttpRequestException e)
        {
            throw new ImportAbortedException($"The request to {_endpoint} failed: {Reason(e)}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ImportAbortedException($"The Provenance API at {_http.BaseAddress} did not answer within {_http.Timeout}.", e);
        }

        if (response.StatusCode == HttpStatusCode.OK && response.Content.Headers.ContentType?.MediaType == NdJson)
        {
            return response;
        }

        using (response)
        {
            throw new ImportAbortedException(await WholeRequestRefusal.DescribeAsync(response, _endpoint, cancellationToken).ConfigureAwait(false));
        }
    }

    /// <summary>
    /// Counts and writes out the results of lines numbered <paramref name="countFrom"/> and later, and
    /// returns the summary that ends every complete answer (#14); an answer that ends without one was
    /// cut off, and the import stops saying so.
    /// </summary>
    private static async Task<ImportSummary> ReadResultsAsync(
        HttpResponseMessage response, long countFrom, ImportTally tally, StreamWriter? failures, StreamWriter? results, Action<ImportTally> advance,
        CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, BufferSize);
        while (true)
        {
            string? line;
            try
            {
                line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                throw new ImportAbortedException($"The connection to the API broke: {Reason(e)}", e);
            }

            if (line is null)
            {
                throw new ImportAbortedException("The API's answer ended without its summary line: it was cut off before every line was answered.");
            }

            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            ImportResult result;
            try
            {
                if (ImportSummary.TryParse(line) is { } summary)
                {
                    return summary;
                }

                result = ImportResult.Parse(line);
            }
            catch (JsonException e)
            {
                throw new ImportAbortedException($"The API sent a result that is not valid: {e.Message}", e);
            }

            if (result.Line < countFrom)
            {
                continue;
            }

            tally.Count(result);
            if (results is not null)
            {
                await results.WriteLineAsync(line.AsMemory(), cancellationToken).ConfigureAwait(false);
            }

            if (!result.Succeeded && failures is not null)
            {
                await failures.WriteLineAsync(line.AsMemory(), cancellationToken).ConfigureAwait(false);
            }

            advance(tally);
        }
    }

    /// <summary>Checked here as the API checks it, before any line is sent.</summary>
    private static string? CheckIdempotencyKey(string? key)
    {
        if (key is not null && (key.Length is 0 or > MaxIdempotencyKeyLength || !key.All(c => c is >= '!' and <= '~')))
        {
            throw new ImportAbortedException(
                $"--idempotency-key must be 1 to {MaxIdempotencyKeyLength} visible ASCII characters, without spaces (a UUID is a good key).");
        }

        return key;
    }

    /// <summary>Creates (or empties) a file the results go to, so none is left over from an earlier run.</summary>
    private static StreamWriter? OpenOutputFile(ImportRequest request, FileInfo? path, string option)
    {
        if (path is null)
        {
            return null;
        }

        if (string.Equals(path.FullName, request.File.FullName, StringComparison.Ordinal))
        {
            throw new ImportAbortedException($"{option} must name a file other than the one being imported.");
        }

        if (request.FailuresFile is { } failures && request.ResultsFile is { } results
            && string.Equals(failures.FullName, results.FullName, StringComparison.Ordinal))
        {
            throw new ImportAbortedException("--failures and --results must name different files.");
        }

        try
        {
            var stream = new FileStream(path.FullName, FileMode.Create, FileAccess.Write, FileShare.Read, BufferSize, FileOptions.Asynchronous);
            return new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { NewLine = "\n" };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImportAbortedException($"Could not create the {option} file '{path}': {e.Message}", e);
        }
    }

    private static async Task<T> ReadFileAsync<T>(FileInfo file, Func<Task<T>> read)
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImportAbortedException($"Could not read '{file}': {e.Message}", e);
        }
    }

    private void WritePartialReport(ImportRequest request, ImportTally tally)
    {
        if (tally.Total > 0)
        {
            ImportReport.Write(_console, tally, request.FailuresFile);
        }
    }

    private static string ResumeAdvice(ImportRequest request) => request.IdempotencyKey is not null
        ? "Run the same command again, with the same --idempotency-key, to finish: lines already written are replayed, not written twice."
        : "The lines answered as created are recorded; sending the file again without an --idempotency-key would record them a second time.";

    private static string Lines(long count) => count == 1 ? "1 line" : $"{count:N0} lines";

    private static string Reason(Exception e) =>
        e.InnerException is { } inner && !e.Message.Contains(inner.Message, StringComparison.Ordinal) ? $"{e.Message} {inner.Message}" : e.Message;
}
