using System.Collections.Concurrent;

namespace MailGateway.Api.Security;

/// <summary>An access token cached for one account. A class so no generated ToString can print the token.</summary>
internal sealed class CachedAccessToken
{
    public required string AccessToken { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    public required DateTimeOffset ObtainedAt { get; init; }
    /// <summary>The account's credential stamp when the token was obtained: a different stamp means other credentials.</summary>
    public required string Stamp { get; init; }
}

/// <summary>Per-account access token cache and refresh lock: in memory, or Redis (encrypted) when configured.</summary>
internal interface IOAuthTokenCache
{
    ValueTask<CachedAccessToken?> GetAsync(string accountId, CancellationToken cancellationToken);
    ValueTask SetAsync(string accountId, CachedAccessToken token, CancellationToken cancellationToken);
    ValueTask RemoveAsync(string accountId, CancellationToken cancellationToken);
    /// <summary>Serializes refreshes of one account (a rotating refresh token must not be used twice).</summary>
    ValueTask<IAsyncDisposable> LockAsync(string accountId, CancellationToken cancellationToken);
}

/// <summary>One instance: a dictionary and a semaphore per account.</summary>
internal sealed class MemoryOAuthTokenCache(TimeProvider time) : IOAuthTokenCache
{
    private readonly ConcurrentDictionary<string, CachedAccessToken> _tokens = new(StringComparer.Ordinal);
    private readonly LocalLocks _locks = new();

    public ValueTask<CachedAccessToken?> GetAsync(string accountId, CancellationToken cancellationToken)
    {
        if (_tokens.TryGetValue(accountId, out var token) && token.ExpiresAt > time.GetUtcNow())
            return ValueTask.FromResult<CachedAccessToken?>(token);
        _tokens.TryRemove(accountId, out _);
        return ValueTask.FromResult<CachedAccessToken?>(null);
    }

    public ValueTask SetAsync(string accountId, CachedAccessToken token, CancellationToken cancellationToken)
    {
        _tokens[accountId] = token;
        return ValueTask.CompletedTask;
    }

    public ValueTask RemoveAsync(string accountId, CancellationToken cancellationToken)
    {
        _tokens.TryRemove(accountId, out _);
        return ValueTask.CompletedTask;
    }

    public ValueTask<IAsyncDisposable> LockAsync(string accountId, CancellationToken cancellationToken) =>
        _locks.AcquireAsync(accountId, cancellationToken);
}

/// <summary>A semaphore per key, dropped when nobody holds or waits for it.</summary>
internal sealed class LocalLocks
{
    private readonly Dictionary<string, (SemaphoreSlim Gate, int Users)> _gates = new(StringComparer.Ordinal);

    public async ValueTask<IAsyncDisposable> AcquireAsync(string key, CancellationToken cancellationToken)
    {
        SemaphoreSlim gate;
        lock (_gates)
        {
            var entry = _gates.TryGetValue(key, out var found) ? found : (Gate: new SemaphoreSlim(1, 1), Users: 0);
            _gates[key] = (entry.Gate, entry.Users + 1);
            gate = entry.Gate;
        }
        try
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Release(key, gate, entered: false);
            throw;
        }
        return new Releaser(() => Release(key, gate, entered: true));
    }

    private void Release(string key, SemaphoreSlim gate, bool entered)
    {
        if (entered)
            gate.Release();
        lock (_gates)
        {
            var entry = _gates[key];
            if (entry.Users == 1)
            {
                _gates.Remove(key);
                gate.Dispose();
            }
            else
            {
                _gates[key] = (entry.Gate, entry.Users - 1);
            }
        }
    }

    internal sealed class Releaser(Action release) : IAsyncDisposable
    {
        private int _released;
        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                release();
            return ValueTask.CompletedTask;
        }
    }
}
