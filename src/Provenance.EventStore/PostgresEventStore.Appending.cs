using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using Provenance.EventStore.Appending;
using Provenance.EventStore.Projections;

namespace Provenance.EventStore;

/// <summary>
/// Appending, with group commit: concurrent appends queue up, and one writer at a time takes every
/// append waiting (up to <see cref="EventStoreOptions.MaxBatchEvents"/> events, one per stream and
/// per idempotency key) into one transaction: one <c>append_batch</c> statement judges and writes
/// them all, the inline projections apply them together, and one commit (one WAL flush) makes them
/// durable. Each append keeps its own outcome: a refused one writes nothing and costs the others
/// nothing. Nothing waits for a batch to fill: a lone append is written at once, and appends that
/// arrive while a batch commits form the next one (the way EventStoreDB's single writer works).
/// </summary>
public sealed partial class PostgresEventStore
{
    private readonly ConcurrentQueue<PendingAppend> _pending = new();
    private int _writing;
    private long _transactions;
    private long _appends;
    private long _eventsWritten;

    /// <summary>
    /// Raised after a transaction of appends commits, with the position of its last event (wakes
    /// asynchronous projections). Handlers run on the writer: they must be quick and must not throw.
    /// </summary>
    public event Action<long>? Appended;

    /// <summary>Whether appends are being written or keep failing for a reason that is not the caller's (#14).</summary>
    public AppendHealth Health { get; }

    /// <summary>How many appends and events were committed, in how many transactions, since start.</summary>
    public AppendStatistics Statistics => new(
        Interlocked.Read(ref _transactions), Interlocked.Read(ref _appends), Interlocked.Read(ref _eventsWritten));

    /// <summary>
    /// Appends <paramref name="events"/> to one stream. Either all are written, at consecutive stream
    /// versions and global positions, or none is. Concurrent appends may share a transaction (group
    /// commit) but never an outcome.
    /// </summary>
    /// <exception cref="StreamVersionConflictException">The stream is not at <paramref name="expected"/>.</exception>
    /// <exception cref="StreamTypeMismatchException">The stream exists with another type.</exception>
    /// <exception cref="IdempotencyKeyReusedException">The idempotency key was used for another request.</exception>
    /// <exception cref="OperationCanceledException">Canceled before a transaction took the append: nothing was written.
    /// Once a transaction has taken it, the append completes whatever the token says.</exception>
    /// <remarks><paramref name="resource"/> names what the append created (e.g. its address); it is kept
    /// with the idempotency key and returned on a replay.</remarks>
    public async Task<AppendResult> AppendAsync(
        Guid streamId,
        string streamType,
        ExpectedVersion expected,
        IReadOnlyList<object> events,
        EventMetadata metadata,
        IdempotencyToken? idempotency = null,
        string? resource = null,
        CancellationToken cancellationToken = default)
    {
        using var activity = EventStoreTelemetry.Source.StartActivity("provenance.append");
        activity?.SetTag("provenance.stream.type", streamType);
        activity?.SetTag("provenance.append.events", events?.Count);
        var started = Stopwatch.GetTimestamp();
        string outcome = "failed";
        try
        {
            var result = await AppendCoreAsync(streamId, streamType, expected, events!, metadata, idempotency, resource, cancellationToken)
                .ConfigureAwait(false);
            outcome = result.Replayed ? "replayed" : "appended";
            return result;
        }
        catch (Exception e)
        {
            outcome = EventStoreTelemetry.OutcomeOf(e);
            activity?.SetStatus(ActivityStatusCode.Error, outcome);
            throw;
        }
        finally
        {
            activity?.SetTag("provenance.append.outcome", outcome);
            EventStoreTelemetry.Appends.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
            EventStoreTelemetry.AppendDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    private async Task<AppendResult> AppendCoreAsync(
        Guid streamId,
        string streamType,
        ExpectedVersion expected,
        IReadOnlyList<object> events,
        EventMetadata metadata,
        IdempotencyToken? idempotency,
        string? resource,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(streamType);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(metadata);
        if (events.Count == 0)
        {
            throw new ArgumentException("An append needs at least one event.", nameof(events));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var stored = metadata with { IdempotencyKey = idempotency?.Key };
        var ids = new Guid[events.Count];
        var types = new string[events.Count];
        var versions = new int[events.Count];
        var data = new string[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            var (type, json) = _serializer.Serialize(events[i]);
            ids[i] = Guid.CreateVersion7();
            types[i] = type.Name;
            versions[i] = type.SchemaVersion;
            data[i] = json;
        }

        var pending = new PendingAppend(streamId, streamType, expected, events, stored, idempotency, resource,
            ids, types, versions, data, _serializer.SerializeMetadata(stored))
        {
            TraceContext = Activity.Current?.Context ?? default,
        };
        if (!_options.GroupCommit)
        {
            pending.TryTake();
            await WriteAsync([pending]).ConfigureAwait(false);
            return await pending.Task.ConfigureAwait(false);
        }

        _pending.Enqueue(pending);
        if (Interlocked.CompareExchange(ref _writing, 1, 0) == 0)
        {
            _ = Task.Run(WriteLoopAsync, CancellationToken.None);
        }

        await using var registration = cancellationToken.Register(
            static (state, token) => ((PendingAppend)state!).Abandon(token), pending).ConfigureAwait(false);
        return await pending.Task.ConfigureAwait(false);
    }

    /// <summary>Writes batches while appends wait; exactly one loop runs at a time.</summary>
    private async Task WriteLoopAsync()
    {
        // The writer works for every waiting append, not for the one that started it: each transaction's
        // span is a root of its own, linked to the appends it carries.
        Activity.Current = null;
        do
        {
            for (var batch = TakeBatch(); batch.Count > 0; batch = TakeBatch())
            {
                await WriteAsync(batch).ConfigureAwait(false);
            }

            Volatile.Write(ref _writing, 0);
        }
        // An append queued after the last look, whose caller saw the flag still up, is taken here.
        while (!_pending.IsEmpty && Interlocked.CompareExchange(ref _writing, 1, 0) == 0);
    }

    /// <summary>
    /// The appends waiting, in arrival order, up to the event cap; it stops before a second append
    /// to a stream or with an idempotency key already in the batch (that one heads the next batch).
    /// </summary>
    private List<PendingAppend> TakeBatch()
    {
        var batch = new List<PendingAppend>();
        var streams = new HashSet<Guid>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var events = 0;
        while (_pending.TryPeek(out var next))
        {
            var full = batch.Count > 0 && events + next.Ids.Length > _options.MaxBatchEvents;
            if (full || streams.Contains(next.StreamId) || (next.Idempotency is { } token && keys.Contains(token.Key)))
            {
                break;
            }

            _pending.TryDequeue(out _);
            if (!next.TryTake())
            {
                continue;
            }

            batch.Add(next);
            streams.Add(next.StreamId);
            if (next.Idempotency is { } taken)
            {
                keys.Add(taken.Key);
            }

            events += next.Ids.Length;
        }

        return batch;
    }

    /// <summary>
    /// Writes a batch and completes each of its appends. Never throws: a failure reaches the callers.
    /// If the batch fails with nothing written (before its commit was sent, or with an error the
    /// server reported, which ends the transaction), each append is retried alone, so that one bad
    /// append fails by itself. If the connection fails after the commit was sent, the outcome is
    /// unknown and every append of the batch gets the error (an idempotent retry is then safe).
    /// </summary>
    private async Task WriteAsync(List<PendingAppend> batch)
    {
        // The links are built only when someone records spans: this is the writer's hot path.
        using var activity = EventStoreTelemetry.Source.HasListeners()
            ? EventStoreTelemetry.Source.StartActivity(
                ActivityKind.Internal, links: batch.Where(a => a.TraceContext != default).Select(a => new ActivityLink(a.TraceContext)).ToList(),
                name: "provenance.group_commit")
            : null;
        activity?.SetTag("provenance.group_commit.appends", batch.Count);
        var committing = false;
        AppendOutcome[] outcomes;
        try
        {
            outcomes = await CommitAsync(batch, () => committing = true).ConfigureAwait(false);
        }
        catch (Exception e) when (batch.Count > 1 && (!committing || e is PostgresException))
        {
            foreach (var single in batch)
            {
                await WriteAsync([single]).ConfigureAwait(false);
            }

            return;
        }
        catch (Exception e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
            Health.Failed(e);
            foreach (var append in batch)
            {
                append.Fail(e);
            }

            return;
        }

        Health.Succeeded();
        EventStoreTelemetry.BatchSize.Record(batch.Count);
        var last = 0L;
        for (var i = 0; i < batch.Count; i++)
        {
            var append = batch[i];
            var outcome = outcomes[i];
            switch (outcome.Code)
            {
                case AppendOutcome.Appended:
                    last = outcome.LastPosition;
                    foreach (var type in append.Types)
                    {
                        EventStoreTelemetry.EventsWritten.Add(1, new KeyValuePair<string, object?>("event.type", type));
                    }

                    append.Complete(outcome.ToResult(append.StreamId, replayed: false));
                    break;
                case AppendOutcome.VersionConflict:
                    append.Fail(new StreamVersionConflictException(append.StreamId, append.Expected, outcome.Version));
                    break;
                case AppendOutcome.TypeMismatch:
                    append.Fail(new StreamTypeMismatchException(append.StreamId, append.StreamType));
                    break;
                case AppendOutcome.DuplicateKey when outcome.StoredRequestHash.AsSpan().SequenceEqual(append.Idempotency!.RequestHash):
                    append.Complete(outcome.ToResult(outcome.StoredStreamId, replayed: true));
                    break;
                case AppendOutcome.DuplicateKey:
                    append.Fail(new IdempotencyKeyReusedException(append.Idempotency.Key));
                    break;
                default:
                    append.Fail(new InvalidOperationException($"Unknown append outcome {outcome.Code}."));
                    break;
            }
        }

        if (last > 0)
        {
            RaiseAppended(last);
        }
    }

    /// <summary>
    /// Tells each handler of <see cref="Appended"/>. A handler that throws (e.g. one disposed during
    /// shutdown) is passed over: the appends have committed, and the writer must go on writing.
    /// </summary>
    private void RaiseAppended(long position)
    {
        if (Appended is not { } handlers)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList().Cast<Action<long>>())
        {
            try
            {
                handler(position);
            }
            catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException or SemaphoreFullException)
            {
                // A wake-up signal that could not be given is caught up by the handler's own polling.
            }
        }
    }

    /// <summary>One transaction: the batch statement, the inline projections, the commit. Returns each append's outcome.</summary>
    private async Task<AppendOutcome[]> CommitAsync(List<PendingAppend> batch, Action committing)
    {
        var eventCount = batch.Sum(a => a.Ids.Length);
        var streamIds = new Guid[batch.Count];
        var streamTypes = new string[batch.Count];
        var expected = new long[batch.Count];
        var counts = new int[batch.Count];
        var keys = new string?[batch.Count];
        var hashes = new byte[]?[batch.Count];
        var resources = new string?[batch.Count];
        var eventRequests = new int[eventCount];
        var ids = new Guid[eventCount];
        var types = new string[eventCount];
        var versions = new int[eventCount];
        var data = new string[eventCount];
        var metadata = new string[eventCount];
        for (int r = 0, e = 0; r < batch.Count; r++)
        {
            var append = batch[r];
            streamIds[r] = append.StreamId;
            streamTypes[r] = append.StreamType;
            expected[r] = append.Expected.Value;
            counts[r] = append.Ids.Length;
            keys[r] = append.Idempotency?.Key;
            hashes[r] = append.Idempotency?.RequestHash;
            resources[r] = append.Resource;
            for (var i = 0; i < append.Ids.Length; i++, e++)
            {
                eventRequests[e] = r + 1;
                ids[e] = append.Ids[i];
                types[e] = append.Types[i];
                versions[e] = append.SchemaVersions[i];
                data[e] = append.Data[i];
                metadata[e] = append.MetadataJson;
            }
        }

        await using var connection = await _dataSource.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            return await CommitAsync(connection, batch, committing, streamIds, streamTypes, expected, counts, keys, hashes, resources,
                eventRequests, ids, types, versions, data, metadata).ConfigureAwait(false);
        }
        catch (Exception e) when (connection.FullState == System.Data.ConnectionState.Open)
        {
            // The transaction was begun by SQL, so the pool would not know to end it.
            await RollBackQuietlyAsync(connection).ConfigureAwait(false);
            if (e is PostgresException)
            {
                // A statement the server refused in the round trip that auto-prepared it leaves the
                // connection's prepared statements out of step with the server (npgsql/npgsql#6391:
                // "unexpected DataRow" on the next append, forever). Forget them all; such failures
                // are rare by design, and the next appends prepare again.
                UnprepareQuietly(connection);
            }

            throw;
        }
    }

    /// <summary>
    /// Two round trips: <c>BEGIN</c> with <c>append_batch</c>; then the inline projections' writes,
    /// their checkpoints and <c>COMMIT</c> (or <c>ROLLBACK</c> when every append was refused).
    /// </summary>
    private async Task<AppendOutcome[]> CommitAsync(
        NpgsqlConnection connection, List<PendingAppend> batch, Action committing,
        Guid[] streamIds, string[] streamTypes, long[] expected, int[] counts, string?[] keys, byte[]?[] hashes, string?[] resources,
        int[] eventRequests, Guid[] ids, string[] types, int[] versions, string[] data, string[] metadata)
    {
        var outcomes = new AppendOutcome[batch.Count];
        await using (var append = new NpgsqlBatch(connection))
        {
            append.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
            var command = new NpgsqlBatchCommand(_sql.AppendBatch);
            command.Parameters.Add(new NpgsqlParameter<Guid[]>("stream_ids", streamIds));
            command.Parameters.Add(new NpgsqlParameter<string[]>("stream_types", streamTypes));
            command.Parameters.Add(new NpgsqlParameter<long[]>("expected", expected));
            command.Parameters.Add(new NpgsqlParameter<int[]>("counts", counts));
            command.Parameters.Add(new NpgsqlParameter("keys", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = keys });
            command.Parameters.Add(new NpgsqlParameter("hashes", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = hashes });
            command.Parameters.Add(new NpgsqlParameter("resources", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = resources });
            command.Parameters.Add(new NpgsqlParameter<int[]>("event_requests", eventRequests));
            command.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", ids));
            command.Parameters.Add(new NpgsqlParameter<string[]>("types", types));
            command.Parameters.Add(new NpgsqlParameter<int[]>("schema_versions", versions));
            command.Parameters.Add(new NpgsqlParameter<string[]>("data", data) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
            command.Parameters.Add(new NpgsqlParameter<string[]>("metadata", metadata) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
            append.BatchCommands.Add(command);

            await using var reader = await append.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false);
            for (var r = 0; r < batch.Count; r++)
            {
                if (!await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false) || reader.GetInt32(8) != r + 1)
                {
                    throw new InvalidOperationException("append_batch did not answer every request in order.");
                }

                outcomes[r] = AppendOutcome.Read(reader);
            }
        }

        var recorded = new List<RecordedEvent>();
        long appends = 0, last = 0;
        for (var r = 0; r < batch.Count; r++)
        {
            if (outcomes[r].Code != AppendOutcome.Appended)
            {
                continue;
            }

            var append = batch[r];
            var outcome = outcomes[r];
            appends++;
            last = outcome.LastPosition;
            for (var i = 0; i < append.Ids.Length; i++)
            {
                recorded.Add(new RecordedEvent(outcome.FirstPosition + i, append.Ids[i], append.StreamId, outcome.Version - append.Ids.Length + 1 + i,
                    append.Types[i], append.SchemaVersions[i], append.Events[i], append.Metadata, outcome.RecordedAt));
            }
        }

        await using (var context = new ProjectionContext(connection, transaction: null, _schema))
        {
            if (recorded.Count > 0)
            {
                for (var p = 0; p < _inline.Count; p++)
                {
                    var events = _inlineTypes[p] is { } applies ? recorded.FindAll(e => applies.Contains(e.Data.GetType())) : recorded;
                    if (events.Count > 0)
                    {
                        await _inline[p].ApplyAsync(context, events, CancellationToken.None).ConfigureAwait(false);
                    }
                }

                if (_inline.Count > 0)
                {
                    ProjectionRunner.QueueCheckpoints(context, _inlineNames, last);
                }
            }

            // Nothing to keep when every append was refused: end it without a WAL flush.
            context.Writes.BatchCommands.Add(new NpgsqlBatchCommand(recorded.Count > 0 ? "COMMIT" : "ROLLBACK"));
            committing();
            await context.Writes.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }

        Interlocked.Increment(ref _transactions);
        Interlocked.Add(ref _appends, appends);
        Interlocked.Add(ref _eventsWritten, recorded.Count);
        return outcomes;
    }

    // Npgsql has no asynchronous form of UnprepareAll; this runs only after a failure.
    private static void UnprepareQuietly(NpgsqlConnection connection)
    {
        try
        {
            connection.UnprepareAll();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // A broken connection is discarded by the pool, with its prepared statements.
        }
    }

    private static async Task RollBackQuietlyAsync(NpgsqlConnection connection)
    {
        try
        {
            await using var rollback = new NpgsqlCommand("ROLLBACK", connection);
            await rollback.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // A broken connection is discarded by the pool; the server ends its transaction.
        }
    }
}

/// <summary>Appends and events committed, and the transactions they took: appends per transaction is the group-commit factor.</summary>
/// <param name="Transactions">Transactions that committed appends (or only refusals).</param>
/// <param name="Appends">Appends that wrote events.</param>
/// <param name="Events">Events written.</param>
public readonly record struct AppendStatistics(long Transactions, long Appends, long Events);
