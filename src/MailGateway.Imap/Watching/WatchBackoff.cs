namespace MailGateway.Imap;

/// <summary>Pure delay math for watch reconnects (the caller owns the timer): exponential from
/// <see cref="Min"/>, capped at <see cref="Max"/>, "equal jitter" so many accounts don't retry in lockstep.</summary>
internal sealed record WatchBackoff(TimeSpan Min, TimeSpan Max)
{
    /// <param name="failures">Consecutive failures so far (1 = the first).</param>
    /// <param name="random01">Random in [0, 1): 0 gives the shortest delay, 1 the longest.</param>
    public TimeSpan Delay(int failures, double random01)
    {
        if (failures <= 0) return TimeSpan.Zero;
        var min = Min > TimeSpan.Zero ? Min.TotalMilliseconds : 1;
        var max = Math.Max(min, Max.TotalMilliseconds);
        var ceiling = Math.Min(min * Math.Pow(2, Math.Min(failures - 1, 40)), max);
        var half = ceiling / 2;
        return TimeSpan.FromMilliseconds(half + half * Math.Clamp(random01, 0, 1));
    }
}
