namespace MailGateway.Imap.Pooling;

/// <summary>Pure delay math for reconnect attempts: exponential growth from <see cref="Initial"/>, capped at
/// <see cref="Max"/>, with "equal jitter" (half fixed, half random) so many accounts don't retry in lockstep.
/// Callers own the clock and the timers.</summary>
internal sealed record ReconnectBackoff(TimeSpan Initial, TimeSpan Max, double Factor = 2)
{
    public static ReconnectBackoff Default { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));

    /// <param name="failures">Consecutive failures so far (1 = the first failure).</param>
    /// <param name="random01">A random number in [0, 1): 0 gives the shortest delay, 1 the longest.</param>
    public TimeSpan Delay(int failures, double random01)
    {
        if (failures <= 0) return TimeSpan.Zero;
        var exponent = Math.Min(failures - 1, 62);
        var ceiling = Math.Min(Initial.TotalMilliseconds * Math.Pow(Factor, exponent), Max.TotalMilliseconds);
        var half = ceiling / 2;
        return TimeSpan.FromMilliseconds(half + half * Math.Clamp(random01, 0, 1));
    }
}
