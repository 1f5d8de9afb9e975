using System.Collections.Concurrent;
using System.Diagnostics;
using MailGateway.Imap.Caching;
using MailGateway.Imap.Session;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailGateway.Imap.Pooling;

/// <summary>
/// Leases authenticated connections per account: at most <see cref="ImapOptions.MaxConnectionsPerAccount"/>
/// per account (FIFO waiting), <see cref="ImapOptions.MaxConnections"/> in all (beyond it an idle connection of
/// another account is closed, else the rent fails fast with 503). A lease binds a concrete connection lazily,
/// at its first operation, so it can pick a free connection that already has the wanted mailbox selected.
/// </summary>
internal sealed partial class ImapSessionPool : IImapSessionPool, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, AccountPool> _accounts = new(StringComparer.Ordinal);
    private readonly IImapConnectionSource _connector;
    private readonly ImapOptions _options;
    private readonly ImapTelemetry _telemetry;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ITimer _evictionTimer;
    private readonly IImapConnectionBudget _budget;
    private int _globalOpen;
    private int _disposed;

    public ImapSessionPool(IImapConnectionSource connector, IOptions<ImapOptions> options, ImapTelemetry telemetry,
        TimeProvider time, ILogger<ImapSessionPool> logger, IImapConnectionBudget? budget = null, ReadCache? cache = null)
    {
        Cache = cache;
        _budget = budget ?? new UnlimitedConnectionBudget();
        _budget.Contended += OnContended;
        _connector = connector;
        _options = options.Value;
        _telemetry = telemetry;
        _time = time;
        _logger = logger;
        var period = TimeSpan.FromTicks(Math.Clamp(_options.IdleTimeout.Ticks / 4, TimeSpan.FromSeconds(1).Ticks, TimeSpan.FromSeconds(30).Ticks));
        _evictionTimer = time.CreateTimer(_ => EvictIdle(), null, period, period);
    }

    internal ReconnectBackoff Backoff { get; init; } = ReconnectBackoff.Default;
    internal ImapOptions Options => _options;
    internal SyncSnapshots Snapshots { get; } = new();
    /// <summary>The read-path cache (null when the host registered none).</summary>
    internal ReadCache? Cache { get; }
    internal int GlobalOpen => Volatile.Read(ref _globalOpen);

    public async ValueTask<IImapSession> RentAsync(ImapAccount account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var pool = GetPool(account.Id);
        ThrowIfBlocked(pool, account);

        var started = Stopwatch.GetTimestamp();
        try
        {
            await pool.Gate.EnterAsync(_options.LeaseTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _telemetry.LeaseWaited(ImapTelemetry.Since(started), "timeout");
            throw new ImapUnavailableException("No IMAP connection for this account became free in time.", TimeSpan.FromSeconds(5));
        }
        _telemetry.LeaseWaited(ImapTelemetry.Since(started), "ok");
        _telemetry.LeaseStarted();

        var session = new ImapSession(this, pool, account);
        try
        {
            ThrowIfBlocked(pool, account);
            bool hasFree;
            lock (pool.Lock) hasFree = pool.Idle.Count > 0;
            // No free connection: open one now, so connection and login errors surface from RentAsync.
            if (!hasFree) await session.BindAsync(null, cancellationToken).ConfigureAwait(false);
            return session;
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async Task VerifyAsync(ImapAccount account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        var client = await _connector.ConnectAsync(account, cancellationToken).ConfigureAwait(false);
        try
        {
            await client.DisconnectAsync(true, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ImapErrors.IsConnectionFailure(ex))
        {
            // Logged in fine; a failed LOGOUT doesn't change the verdict.
        }
        finally
        {
            client.Dispose();
        }
        if (_accounts.TryGetValue(account.Id, out var pool))
        {
            lock (pool.Lock)
            {
                if (pool.State is AccountConnectionState.AuthFailed or AccountConnectionState.Unreachable)
                    ClearFailure(pool);
            }
        }
    }

    public ValueTask ResetAsync(string accountId, CancellationToken cancellationToken = default)
    {
        if (!_accounts.TryGetValue(accountId, out var pool)) return ValueTask.CompletedTask;
        List<PooledConnection> closing;
        lock (pool.Lock)
        {
            pool.Generation++;
            pool.MailboxEpoch++;
            ClearFailure(pool);
            pool.SetState(AccountConnectionState.Connecting, null, _time.GetUtcNow());
            closing = [.. pool.Idle];
            pool.Idle.Clear();
        }
        foreach (var connection in closing) Discard(pool, connection, "reset", null);
        return ValueTask.CompletedTask;
    }

    public AccountConnectionStatus GetStatus(string accountId)
    {
        if (!_accounts.TryGetValue(accountId, out var pool))
            return new AccountConnectionStatus(AccountConnectionState.Connecting, null, null);
        lock (pool.Lock) return new AccountConnectionStatus(pool.State, pool.LastError, pool.Since);
    }

    internal AccountPool GetPool(string accountId) =>
        _accounts.GetOrAdd(accountId, id => new AccountPool(id, Math.Max(1, _options.MaxConnectionsPerAccount)));

    private static void ClearFailure(AccountPool pool)
    {
        pool.FailedStamp = null;
        pool.Failures = 0;
        pool.RetryAt = default;
    }

    /// <summary>No login storm: authFailed (same credentials) and unreachable-in-backoff fail fast.</summary>
    private void ThrowIfBlocked(AccountPool pool, ImapAccount account)
    {
        lock (pool.Lock)
        {
            if (pool.State == AccountConnectionState.AuthFailed)
            {
                if (pool.FailedStamp == account.CredentialStamp)
                    throw new ImapAuthenticationException("The IMAP server rejected this account's credentials; update them or reset the account.");
                ClearFailure(pool);
                pool.SetState(AccountConnectionState.Connecting, null, _time.GetUtcNow());
            }
            var now = _time.GetUtcNow();
            if (pool.State == AccountConnectionState.Unreachable && pool.RetryAt > now && pool.Open == 0)
                throw new ImapUnavailableException(pool.LastError ?? "The IMAP server is unreachable.", pool.RetryAt - now);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _evictionTimer.DisposeAsync().ConfigureAwait(false);
        _budget.Contended -= OnContended;
        foreach (var pool in _accounts.Values)
        {
            List<PooledConnection> closing;
            lock (pool.Lock)
            {
                closing = [.. pool.Idle];
                pool.Idle.Clear();
            }
            foreach (var connection in closing) Discard(pool, connection, "shutdown", null);
        }
    }
}
