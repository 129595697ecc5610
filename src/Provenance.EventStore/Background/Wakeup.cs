namespace Provenance.EventStore.Background;

/// <summary>
/// How a follower waits for work (#7, #15). An append nudges it, but it then lets appends gather for
/// a short while before it runs, so that under load it works in batches of many events instead of a
/// transaction (and a WAL flush) for every append or two. A reader waiting for the follower hurries
/// it, which cuts the gathering short. Nudges coalesce: one pending wake-up is enough, because a
/// batch reads everything appended before it.
/// </summary>
internal sealed class Wakeup(TimeProvider clock, TimeSpan gather)
{
    private readonly Lock _sync = new();
    private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _hurry;

    /// <summary>An append committed: work after the gathering time.</summary>
    public void Nudge()
    {
        lock (_sync)
        {
            _signal.TrySetResult();
        }
    }

    /// <summary>A reader is waiting: work now.</summary>
    public void Hurry()
    {
        Interlocked.Exchange(ref _hurry, 1);
        Nudge();
    }

    /// <summary>Waits for a nudge (then for the gathering time, unless hurried) or for <paramref name="poll"/>, whichever is first.</summary>
    public async Task WaitAsync(TimeSpan poll, CancellationToken cancellationToken)
    {
        if (!await SignalledAsync(poll, cancellationToken).ConfigureAwait(false) || Interlocked.Exchange(ref _hurry, 0) == 1)
        {
            return;
        }

        // Gathering: only a hurry ends it early (another nudge is already covered by the coming batch).
        var until = clock.GetUtcNow() + gather;
        for (var left = gather; left > TimeSpan.Zero; left = until - clock.GetUtcNow())
        {
            if (!await SignalledAsync(left, cancellationToken).ConfigureAwait(false) || Interlocked.Exchange(ref _hurry, 0) == 1)
            {
                return;
            }
        }
    }

    // Waits for the signal, and takes it; false when the time ran out first.
    private async Task<bool> SignalledAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        Task signal;
        lock (_sync)
        {
            signal = _signal.Task;
        }

        if (!signal.IsCompleted)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var first = await Task.WhenAny(signal, Task.Delay(timeout, clock, stop.Token)).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (first != signal)
            {
                return false;
            }
        }

        lock (_sync)
        {
            if (_signal.Task.IsCompleted)
            {
                _signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        return true;
    }
}
