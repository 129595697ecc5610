namespace Provenance.Testing;

/// <summary>
/// Waits on a condition with a deadline, the one way tests wait (never a fixed delay): the condition
/// is polled until it holds, and the test fails with <c>because</c> when the deadline passes first.
/// </summary>
public static class Eventually
{
    /// <summary>The deadline unless a test names another.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(25);

    /// <summary>Polls <paramref name="condition"/> until it is true; throws when <paramref name="timeout"/> passes first.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, string because, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!await condition())
        {
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"Waited {(timeout ?? DefaultTimeout).TotalSeconds:0.#} s for: {because}");
            }

            await PollAsync();
        }
    }

    /// <summary>Polls <paramref name="read"/> until its value satisfies <paramref name="accept"/>, and returns that value.</summary>
    public static async Task<T> ReturnsAsync<T>(Func<Task<T>> read, Func<T, bool> accept, string because, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(accept);
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            var value = await read();
            if (accept(value))
            {
                return value;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"Waited {(timeout ?? DefaultTimeout).TotalSeconds:0.#} s for: {because} (last value: {value})");
            }

            await PollAsync();
        }
    }

    /// <summary>One pause between polls; the only place a test waits on the clock.</summary>
    /// <summary>
    /// Waits until the clock is past <paramref name="instant"/> at the ledger's resolution (a
    /// microsecond): for a test that needs what it writes next recorded strictly after an instant it took.
    /// </summary>
    public static Task ClockPassesAsync(DateTimeOffset instant) =>
        HoldsAsync(() => Task.FromResult(DateTimeOffset.UtcNow.UtcTicks / 10 > instant.UtcTicks / 10), $"the clock passes {instant:O}");

    private static Task PollAsync() => Task.Delay(PollInterval);
}
