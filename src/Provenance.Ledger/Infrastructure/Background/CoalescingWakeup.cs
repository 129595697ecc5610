namespace Provenance.Ledger.Infrastructure.Background;

/// <summary>
/// How a background worker that follows the log waits for work (#7). An append nudges it, but it
/// then lets appends gather for a short while before it runs, so that under load it works in
/// batches of many events instead of a transaction (and a WAL flush) for every append or two. A
/// reader that is waiting for the worker calls <see cref="Hurry"/>, which cuts the gathering short.
/// </summary>
internal sealed class CoalescingWakeup(TimeSpan gather) : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0);
    private int _hurry;

    /// <summary>An append happened: work after the gathering time.</summary>
    public void Nudge()
    {
        if (_signal.CurrentCount == 0)
        {
            _signal.Release();
        }
    }

    /// <summary>Someone is waiting: work now.</summary>
    public void Hurry()
    {
        Interlocked.Exchange(ref _hurry, 1);
        if (_signal.CurrentCount == 0)
        {
            _signal.Release();
        }
    }

    /// <summary>Waits for a nudge (then for the gathering time, unless hurried) or for <paramref name="poll"/>, whichever is first.</summary>
    public async Task WaitAsync(TimeSpan poll, CancellationToken cancellationToken)
    {
        if (!await _signal.WaitAsync(poll, cancellationToken).ConfigureAwait(false) || Interlocked.Exchange(ref _hurry, 0) == 1)
        {
            return;
        }

        // Gathering: a hurry (or another nudge, which is ignored) ends it early only when it is a hurry.
        var until = DateTime.UtcNow + gather;
        for (var left = gather; left > TimeSpan.Zero; left = until - DateTime.UtcNow)
        {
            var woken = await _signal.WaitAsync(left, cancellationToken).ConfigureAwait(false);
            if (!woken || Interlocked.Exchange(ref _hurry, 0) == 1)
            {
                return;
            }
        }
    }

    public void Dispose() => _signal.Dispose();
}
