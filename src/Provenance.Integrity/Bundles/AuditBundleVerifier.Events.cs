using System.Threading.Channels;
using Provenance.Integrity.Checkpoints;
using Provenance.Integrity.Merkle;

namespace Provenance.Integrity.Bundles;

public sealed partial class AuditBundleVerifier
{
    // Chunks read ahead per file: enough to keep both cores busy, few enough to bound memory (~10 MB).
    private const int ChunksInFlight = 4;

    /// <summary>
    /// Checks 3 and 4, and the manifest's sizes and hashes of the two event files, in one pass over
    /// both: each file is read and hashed by a task of its own, its chunks are checked in parallel
    /// (parse, canonical form, leaf hash; proof decoding), and one loop takes the lines in order for
    /// what depends on the lines before (positions, proofs against the memo, completeness).
    /// </summary>
    /// <returns>What the later checks need from the events, when the pass read both files to their end.</returns>
    private async Task<EventPassOutcome?> CheckEventsAsync(
        AuditBundleSource bundle, int version, BundleManifest? manifest, Checkpoint? checkpoint, HashSet<long>? proved, BundleVerificationResult result, CancellationToken cancellationToken)
    {
        if (!bundle.FileNames.Contains(AuditBundleFiles.Events, StringComparer.Ordinal) || !bundle.FileNames.Contains(AuditBundleFiles.ProofsOf(version), StringComparer.Ordinal))
        {
            return null;
        }

        if (version >= 3)
        {
            return await CheckEventsAgainstMultiproofAsync(bundle, manifest, checkpoint, proved, result, cancellationToken).ConfigureAwait(false);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var eventsStream = bundle.OpenRead(AuditBundleFiles.Events);
        var proofsStream = bundle.OpenRead(AuditBundleFiles.Proofs);
        await using (eventsStream.ConfigureAwait(false))
        await using (proofsStream.ConfigureAwait(false))
        {
            using var eventsReader = new LineChunkReader(eventsStream);
            using var proofsReader = new LineChunkReader(proofsStream);
            var events = Channel.CreateBounded<Task<EventBatch>>(ChunksInFlight);
            var proofs = Channel.CreateBounded<Task<ProofBatch>>(ChunksInFlight);
            var readers = new[]
            {
                ProduceAsync(AuditBundleFiles.Events, eventsReader, EventBatch.Check, events.Writer, stop.Token),
                ProduceAsync(AuditBundleFiles.Proofs, proofsReader, ProofBatch.Read, proofs.Writer, stop.Token),
            };
            var pass = new EventPass(manifest, checkpoint, result, Progress) { Proved = proved };
            var complete = false;
            try
            {
                await pass.RunAsync(events.Reader, proofs.Reader, stop.Token).ConfigureAwait(false);
                complete = true;
            }
            catch (FileReadException e)
            {
                result.Fail(e.File, null, $"the file cannot be read to its end: {e.InnerException?.Message}");
            }
            finally
            {
                await stop.CancelAsync().ConfigureAwait(false);
                await Task.WhenAll(readers).ConfigureAwait(false);
            }

            result.EventCount = eventsReader.Lines;
            if (complete && manifest is not null)
            {
                CompareWithManifest(AuditBundleFiles.Events, eventsReader, manifest, result);
                CompareWithManifest(AuditBundleFiles.Proofs, proofsReader, manifest, result);
                foreach (var missing in pass.Finish())
                {
                    result.Fail(AuditBundleFiles.Manifest, 1, missing);
                }
            }

            return complete ? new EventPassOutcome(pass.LastPositions(), pass.First?.RecordedAt, pass.Last?.RecordedAt) : null;
        }
    }

    /// <summary>
    /// Checks 3 and 4 of a version 3 bundle: <c>events.ndjson</c> as in version 2 (read, hashed and
    /// checked in chunks on the thread pool), its leaves folded in order with the hashes of
    /// <c>multiproof.txt</c>, which is read alongside, as the gaps between the events need them.
    /// </summary>
    private async Task<EventPassOutcome?> CheckEventsAgainstMultiproofAsync(
        AuditBundleSource bundle, BundleManifest? manifest, Checkpoint? checkpoint, HashSet<long>? proved, BundleVerificationResult result, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var eventsStream = bundle.OpenRead(AuditBundleFiles.Events);
        var multiproofStream = bundle.OpenRead(AuditBundleFiles.Multiproof);
        await using (eventsStream.ConfigureAwait(false))
        await using (multiproofStream.ConfigureAwait(false))
        {
            using var eventsReader = new LineChunkReader(eventsStream);
            using var multiproof = new MultiproofReader(multiproofStream);
            var events = Channel.CreateBounded<Task<EventBatch>>(ChunksInFlight);
            var reader = ProduceAsync(AuditBundleFiles.Events, eventsReader, EventBatch.Check, events.Writer, stop.Token);
            var pass = new EventPass(manifest, checkpoint, result, Progress, multiproof) { Proved = proved };
            var complete = false;
            try
            {
                await pass.RunAsync(events.Reader, proofs: null, stop.Token).ConfigureAwait(false);
                complete = true;
                pass.FinishMultiproof();
            }
            catch (FileReadException e)
            {
                complete = false;
                result.Fail(e.File, null, $"the file cannot be read to its end: {e.InnerException?.Message}");
            }
            catch (Exception e) when (e is IOException or InvalidDataException)
            {
                complete = false;
                result.Fail(AuditBundleFiles.Multiproof, null, $"the file cannot be read to its end: {e.Message}");
            }
            finally
            {
                await stop.CancelAsync().ConfigureAwait(false);
                await reader.ConfigureAwait(false);
            }

            result.EventCount = eventsReader.Lines;
            if (complete && manifest is not null)
            {
                CompareWithManifest(AuditBundleFiles.Events, eventsReader, manifest, result);
                if (manifest.Files.FirstOrDefault(f => f.Path == AuditBundleFiles.Multiproof) is { } listed)
                {
                    CompareWithManifest(listed, multiproof.Bytes, multiproof.Sha256(), result);
                }

                foreach (var missing in pass.Finish())
                {
                    result.Fail(AuditBundleFiles.Manifest, 1, missing);
                }
            }

            return complete ? new EventPassOutcome(pass.LastPositions(), pass.First?.RecordedAt, pass.Last?.RecordedAt) : null;
        }
    }

    private static void CompareWithManifest(string file, LineChunkReader reader, BundleManifest manifest, BundleVerificationResult result)
    {
        if (reader.Lines != manifest.EventCount)
        {
            result.Fail(file, null, $"the file has {reader.Lines:N0} lines; the manifest's eventCount is {manifest.EventCount:N0}");
        }

        if (manifest.Files.FirstOrDefault(f => f.Path == file) is { } listed)
        {
            CompareWithManifest(listed, reader.Bytes, Convert.ToHexStringLower(reader.Sha256()), result);
        }
    }

    /// <summary>Reads a file chunk by chunk and starts checking each chunk on the thread pool, in order; a read failure ends the channel with it.</summary>
    private static async Task ProduceAsync<T>(string file, LineChunkReader reader, Func<LineChunk, T> check, ChannelWriter<Task<T>> batches, CancellationToken cancellationToken)
    {
        try
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false) is { } chunk)
            {
                await batches.WriteAsync(Task.Run(() => check(chunk), cancellationToken), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The pass ended first (a failure elsewhere, or the caller cancelled): stop reading.
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            try
            {
                await batches.WriteAsync(Task.FromException<T>(new FileReadException(file, e)), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Nobody is reading any more.
            }
        }
        finally
        {
            batches.TryComplete();
        }
    }
}

/// <summary>What the checks after the event pass need from it, so that none reads events.ndjson again.</summary>
/// <param name="LastPositions">The position of each claimed stream's last event.</param>
/// <param name="FirstRecordedAt">When the file's first line was recorded, if that line is an envelope.</param>
/// <param name="LastRecordedAt">When its last line was recorded, if that line is an envelope.</param>
internal sealed record EventPassOutcome(IReadOnlyDictionary<Guid, long> LastPositions, DateTimeOffset? FirstRecordedAt, DateTimeOffset? LastRecordedAt);

/// <summary>A bundle file could not be read to its end (a broken disk read, a corrupt ZIP entry, a line of over 64 MiB).</summary>
internal sealed class FileReadException(string file, Exception inner) : Exception($"{file} cannot be read: {inner.Message}", inner)
{
    public string File { get; } = file;
}
