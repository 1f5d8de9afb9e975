using Microsoft.Extensions.Logging;

namespace MailGateway.Imap.Caching;

/// <summary>
/// Circuit breaker of the read cache's shared level (<see cref="ReadCacheOptions.Shared"/>). The shared level is an
/// optimisation, never the source of truth, so once its store failed (a Redis error or timeout) reads stop asking it:
/// for <see cref="ReadCacheOptions.SharedBreakDuration"/> every shared read and write is skipped (a miss, served from
/// the local level or IMAP with no Redis call); then exactly one call goes through as a probe (half-open; the read
/// cache runs it in the background, see ReadCache.Shared.cs), and its success closes the breaker, its failure opens
/// it for another period. Only a probe's outcome moves a half-open or
/// open breaker: a call that started while closed and ends later says nothing about the store now.
/// The hot path (closed) is one volatile read; transitions are compare-and-swap, each logged once.
/// </summary>
internal sealed class SharedLevelBreaker(TimeSpan breakDuration, TimeProvider time, ILogger logger)
{
    private const int Closed = 0, Open = 1, Probing = 2;

    private int _state = Closed;
    private long _openUntil;
    private long _skipped;

    /// <summary>What the caller may do now.</summary>
    internal enum Pass { Skip, Call, Probe }

    /// <summary>True while the shared level is skipped or being probed.</summary>
    public bool IsOpen => Volatile.Read(ref _state) != Closed;

    /// <summary>Shared reads and writes skipped because the breaker was open, since start.</summary>
    public long Skipped => Interlocked.Read(ref _skipped);

    /// <summary>Whether to call the store; <see cref="Pass.Probe"/> must be followed by exactly one of
    /// <see cref="Succeeded"/>, <see cref="Failed"/> or <see cref="Abandoned"/>.</summary>
    public Pass Enter()
    {
        var state = Volatile.Read(ref _state);
        if (state == Closed) return Pass.Call;
        if (state == Open && time.GetTimestamp() >= Volatile.Read(ref _openUntil)
            && Interlocked.CompareExchange(ref _state, Probing, Open) == Open)
            return Pass.Probe;
        Interlocked.Increment(ref _skipped);
        return Pass.Skip;
    }

    /// <summary>The store answered.</summary>
    public void Succeeded(Pass pass)
    {
        if (pass == Pass.Probe && Interlocked.CompareExchange(ref _state, Closed, Probing) == Probing)
            CacheLog.SharedLevelClosed(logger);
    }

    /// <summary>The store failed (an error or timeout, not the caller's cancellation).</summary>
    public void Failed(Pass pass, Exception exception)
    {
        if (pass == Pass.Skip) return;
        Volatile.Write(ref _openUntil, time.GetTimestamp() + (long)(breakDuration.TotalSeconds * time.TimestampFrequency));
        if (pass == Pass.Probe)
        {
            if (Interlocked.CompareExchange(ref _state, Open, Probing) == Probing) CacheLog.SharedLevelStillUnavailable(logger, breakDuration.TotalSeconds, exception);
        }
        else if (Interlocked.CompareExchange(ref _state, Open, Closed) == Closed)
            CacheLog.SharedLevelOpened(logger, breakDuration.TotalSeconds, exception);
    }

    /// <summary>The call ended without an answer about the store (the caller gave up): a probe lets the next call probe.</summary>
    public void Abandoned(Pass pass)
    {
        if (pass == Pass.Probe) Interlocked.CompareExchange(ref _state, Open, Probing);
    }
}
