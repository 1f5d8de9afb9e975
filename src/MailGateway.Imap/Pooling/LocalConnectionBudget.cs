using Microsoft.Extensions.Options;

namespace MailGateway.Imap.Pooling;

/// <summary>
/// The connection budget of a single instance (no Redis): at most <see cref="ImapOptions.MaxConnectionsPerAccount"/>
/// permits per account and <see cref="ImapOptions.MaxConnectionsPerHost"/> (0 = no cap) per IMAP server, counted in
/// this process. The pool's own per-account gate already keeps requests within the first; what the budget adds is that
/// an extra IDLE connection of <c>Events:IdleFolders</c> takes one of those permits too, and that a refused request
/// raises <see cref="Contended"/>, so the extra connection closes and hands its permit over (as with Redis, where
/// <c>RedisConnectionBudget</c> does the same across instances).
/// </summary>
internal sealed class LocalConnectionBudget(IOptions<ImapOptions> options) : IImapConnectionBudget
{
    private readonly ImapOptions _options = options.Value;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _accounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _hosts = new(StringComparer.OrdinalIgnoreCase);

    public event Action<string>? Contended;

    public ValueTask<IAsyncDisposable?> TryAcquireAsync(ImapAccount account, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var host = _options.MaxConnectionsPerHost > 0 ? account.Host : null;
        lock (_lock)
        {
            var granted = _accounts.GetValueOrDefault(account.Id) < _options.MaxConnectionsPerAccount
                && (host is null || _hosts.GetValueOrDefault(host) < _options.MaxConnectionsPerHost);
            if (granted)
            {
                _accounts[account.Id] = _accounts.GetValueOrDefault(account.Id) + 1;
                if (host is not null) _hosts[host] = _hosts.GetValueOrDefault(host) + 1;
                return ValueTask.FromResult<IAsyncDisposable?>(new Permit(this, account.Id, host));
            }
        }
        // Outside the lock: the handlers close connections, which gives permits back.
        Contended?.Invoke(account.Id);
        return ValueTask.FromResult<IAsyncDisposable?>(null);
    }

    /// <summary>Permits held for <paramref name="accountId"/> right now (for tests).</summary>
    internal int Held(string accountId)
    {
        lock (_lock) return _accounts.GetValueOrDefault(accountId);
    }

    private void Release(string accountId, string? host)
    {
        lock (_lock)
        {
            Decrement(_accounts, accountId);
            if (host is not null) Decrement(_hosts, host);
        }
    }

    private static void Decrement(Dictionary<string, int> counts, string key)
    {
        if (counts.GetValueOrDefault(key) <= 1) counts.Remove(key);
        else counts[key]--;
    }

    private sealed class Permit(LocalConnectionBudget owner, string accountId, string? host) : IAsyncDisposable
    {
        private int _released;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) owner.Release(accountId, host);
            return ValueTask.CompletedTask;
        }
    }
}
