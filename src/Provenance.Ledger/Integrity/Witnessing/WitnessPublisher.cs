using System.Globalization;
using System.Net;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Provenance.EventStore.Integrity;
using Provenance.Integrity.Merkle;
using Provenance.Integrity.Witnessing;

namespace Provenance.Ledger.Integrity.Witnessing;

/// <summary>Wakes the witness publisher when a checkpoint was signed.</summary>
internal sealed class CheckpointSignal
{
    private readonly Channel<bool> _signals = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Signed() => _signals.Writer.TryWrite(true);

    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        try
        {
            await _signals.Reader.ReadAsync(timer.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
    }
}

/// <summary>Where the ledger stands with one witness: the largest size it cosigned, and how its submissions go.</summary>
/// <param name="Witness">The witness's key.</param>
/// <param name="Url">Where it listens.</param>
/// <param name="CosignedSize">The largest tree size it cosigned (0: none yet).</param>
/// <param name="LastCosignedAt">When it last cosigned, or null.</param>
/// <param name="FailingSince">When the submissions started failing in a row, or null while they succeed.</param>
/// <param name="LastError">Why the last submission failed, or null.</param>
/// <param name="SplitView">Set when the witness showed that it holds another tree of this log than the ledger's.</param>
public sealed record WitnessStatus(WitnessKey Witness, Uri Url, long CosignedSize, DateTimeOffset? LastCosignedAt, DateTimeOffset? FailingSince, string? LastError, string? SplitView);

/// <summary>
/// Submits each new signed checkpoint to every configured witness (C2SP tlog-witness
/// <c>add-checkpoint</c>, with the consistency proof from the size the witness last cosigned),
/// verifies the cosignature it answers and stores it beside the checkpoint. A failing witness is
/// retried with a doubling wait; the ledger carries on without it, and /health/ready reports it.
/// </summary>
internal sealed partial class WitnessPublisher(
    IOptions<WitnessingOptions> options, CheckpointStore store, ISubtreeHashSource subtrees, CheckpointSignal signal, TimeProvider clock, ILogger<WitnessPublisher> logger)
    : BackgroundService
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(30);
    private readonly Lock _gate = new();
    private readonly Dictionary<string, State> _states = [];
    private HttpClient? _http;

    /// <summary>Every witness's status, in configuration order.</summary>
    public IReadOnlyList<WitnessStatus> Statuses
    {
        get
        {
            lock (_gate)
            {
                return [.. Witnesses().Select(w => _states.TryGetValue(Id(w.Key), out var s) ? s.ToStatus(w.Key, w.Url) : new WitnessStatus(w.Key, w.Url, 0, null, null, null, null))];
            }
        }
    }

    /// <summary>Submits the latest checkpoint to every witness that has not cosigned it and is due (tests and the loop).</summary>
    public async Task PublishOnceAsync(CancellationToken cancellationToken)
    {
        var latest = await store.GetLatestAsync(cancellationToken);
        if (latest is null)
        {
            return;
        }

        foreach (var (url, key) in Witnesses())
        {
            var state = await StateOfAsync(key, cancellationToken);
            if (state.CosignedSize >= latest.TreeSize || state.NextAttempt > clock.GetUtcNow())
            {
                continue;
            }

            using var activity = LedgerTelemetry.Source.StartActivity("provenance.witness.submit", System.Diagnostics.ActivityKind.Client);
            activity?.SetTag("provenance.witness", key.Name);
            activity?.SetTag("provenance.tree.size", latest.TreeSize);
            await SubmitAsync(url, key, state, latest, cancellationToken);
            string outcome;
            lock (_gate)
            {
                outcome = state.CosignedSize >= latest.TreeSize ? "cosigned" : state.SplitView is not null ? "split-view" : "failed";
            }

            activity?.SetTag("provenance.witness.outcome", outcome);
            if (outcome != "cosigned")
            {
                activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, outcome);
            }

            LedgerTelemetry.WitnessSubmissions.Add(1, new KeyValuePair<string, object?>("provenance.witness", key.Name),
                new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Witnesses.Count == 0)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PublishOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
            {
                LogStoreUnavailable(logger, e.Message);
            }

            await signal.WaitAsync(NextWait(), stoppingToken);
        }
    }

    public override void Dispose()
    {
        _http?.Dispose();
        base.Dispose();
    }

    private IReadOnlyList<(Uri Url, WitnessKey Key)> Witnesses() => options.Value.Parsed();

    private HttpClient Http()
    {
        lock (_gate)
        {
            return _http ??= new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = options.Value.Timeout };
        }
    }

    private static string Id(WitnessKey key) => $"{key.Name}+{key.KeyId:x8}";

    private TimeSpan NextWait()
    {
        lock (_gate)
        {
            var now = clock.GetUtcNow();
            var due = _states.Values.Where(s => s.FailingSince is not null).Select(s => s.NextAttempt - now).DefaultIfEmpty(Poll).Min();
            return due < TimeSpan.Zero ? TimeSpan.Zero : due > Poll ? Poll : due;
        }
    }

    private async Task<State> StateOfAsync(WitnessKey key, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_states.TryGetValue(Id(key), out var known))
            {
                return known;
            }
        }

        var cosigned = await store.GetLatestCosignedSizeAsync(key.Name, key.KeyId.ToString("x8", CultureInfo.InvariantCulture), cancellationToken) ?? 0;
        lock (_gate)
        {
            if (!_states.TryGetValue(Id(key), out var state))
            {
                _states[Id(key)] = state = new State { CosignedSize = cosigned, OldSize = cosigned };
            }

            return state;
        }
    }

    private async Task SubmitAsync(Uri url, WitnessKey key, State state, StoredCheckpoint latest, CancellationToken cancellationToken)
    {
        // A 409 says which size the witness holds; the submission is then made again from there, once.
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var old = state.OldSize;
            if (old > latest.TreeSize)
            {
                Fail(state, key, $"the witness has cosigned a tree of {old} leaves of this log, larger than the ledger's latest checkpoint ({latest.TreeSize}): " +
                    "the log lost events (a restore from an old backup?) or someone showed the witness another log", splitView: true);
                return;
            }

            var proof = old == 0 || old == latest.TreeSize ? [] : await MerkleTree.ConsistencyProofAsync(subtrees, (ulong)old, (ulong)latest.TreeSize, cancellationToken);
            var body = new AddCheckpointRequest((ulong)old, [.. proof], latest.Note).Format();
            HttpResponseMessage response;
            string text;
            try
            {
                using var content = new StringContent(body, Encoding.UTF8, "text/plain");
                response = await Http().PostAsync(new Uri(url, "add-checkpoint"), content, cancellationToken);
                text = await response.Content.ReadAsStringAsync(cancellationToken);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                Fail(state, key, $"no answer from {url}: {e.Message}");
                return;
            }

            using (response)
            {
                switch (response.StatusCode)
                {
                    case HttpStatusCode.OK:
                        await AcceptAsync(key, state, latest, text, cancellationToken);
                        return;
                    case HttpStatusCode.Conflict when ulong.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var held):
                        if ((long)held == old)
                        {
                            Fail(state, key, $"the witness holds another tree of {held} leaves of this log than the ledger's: a split view", splitView: true);
                            return;
                        }

                        lock (_gate)
                        {
                            state.OldSize = (long)held;
                        }

                        continue;
                    default:
                        Fail(state, key, $"{(int)response.StatusCode} {response.ReasonPhrase}: {text.Trim()}", splitView: response.StatusCode == HttpStatusCode.UnprocessableEntity);
                        return;
                }
            }
        }
    }

    private async Task AcceptAsync(WitnessKey key, State state, StoredCheckpoint latest, string lines, CancellationToken cancellationToken)
    {
        Provenance.Integrity.Witnessing.WitnessCheck check;
        try
        {
            check = CosignedNote.Check(latest.Note + lines, [key]);
        }
        catch (Provenance.Integrity.Checkpoints.CheckpointVerificationException e)
        {
            Fail(state, key, $"the witness answered something other than signature lines: {e.Message}");
            return;
        }

        if (check.Cosigned.Count == 0)
        {
            Fail(state, key, check.Forged.Count > 0 ? $"the witness's answer does not verify with its key: {check.Forged[0].Reason}" : "the witness answered no cosignature of its key");
            return;
        }

        var cosignature = check.Cosigned[0].Cosignature;
        await store.RecordCosignatureAsync(latest.TreeSize, key.Name, key.KeyId.ToString("x8", CultureInfo.InvariantCulture), cosignature.Time, cosignature.ToLine(), cancellationToken);
        lock (_gate)
        {
            (state.CosignedSize, state.OldSize, state.LastCosignedAt) = (latest.TreeSize, latest.TreeSize, clock.GetUtcNow());
            (state.FailingSince, state.LastError, state.Failures, state.NextAttempt, state.SplitView) = (null, null, 0, DateTimeOffset.MinValue, null);
        }

        LogCosigned(logger, key.Name, latest.TreeSize);
    }

    private void Fail(State state, WitnessKey key, string reason, bool splitView = false)
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            state.Failures++;
            state.FailingSince ??= now;
            state.LastError = reason;
            if (splitView)
            {
                state.SplitView = reason;
            }

            var wait = options.Value.RetryAfter * Math.Pow(2, Math.Min(state.Failures - 1, 20));
            state.NextAttempt = now + (wait > options.Value.MaxRetryAfter ? options.Value.MaxRetryAfter : wait);
        }

        if (splitView)
        {
            LogSplitView(logger, key.Name, reason);
        }
        else
        {
            LogFailed(logger, key.Name, reason, state.Failures);
        }
    }

    private sealed class State
    {
        public long CosignedSize { get; set; }

        public long OldSize { get; set; }

        public DateTimeOffset? LastCosignedAt { get; set; }

        public DateTimeOffset? FailingSince { get; set; }

        public string? LastError { get; set; }

        public string? SplitView { get; set; }

        public int Failures { get; set; }

        public DateTimeOffset NextAttempt { get; set; } = DateTimeOffset.MinValue;

        public WitnessStatus ToStatus(WitnessKey key, Uri url) => new(key, url, CosignedSize, LastCosignedAt, FailingSince, LastError, SplitView);
    }

    [LoggerMessage(LogLevel.Information, "Witness {Witness} cosigned the checkpoint of {TreeSize} leaves")]
    private static partial void LogCosigned(ILogger logger, string witness, long treeSize);

    [LoggerMessage(LogLevel.Warning, "Witness {Witness} did not cosign ({Failures} failures in a row): {Reason}")]
    private static partial void LogFailed(ILogger logger, string witness, string reason, int failures);

    [LoggerMessage(LogLevel.Critical, "Witness {Witness} reports a view of this log that contradicts the ledger's: {Reason}")]
    private static partial void LogSplitView(ILogger logger, string witness, string reason);

    [LoggerMessage(LogLevel.Warning, "The witness publisher could not read the checkpoints: {Reason}")]
    private static partial void LogStoreUnavailable(ILogger logger, string reason);
}
