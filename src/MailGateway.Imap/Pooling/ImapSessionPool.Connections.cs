using MailGateway.Imap.Telemetry;

namespace MailGateway.Imap.Pooling;

internal sealed partial class ImapSessionPool
{
    /// <summary>Gives a leased session its connection: a free one (preferring one with <paramref name="wantedPath"/>
    /// selected, then the most recently used), NOOP-checked when unused for long or when its socket looks closed; else a new one.
    /// The caller holds a gate permit, so the account's connection count stays within its cap.</summary>
    internal async Task<PooledConnection> BindAsync(AccountPool pool, ImapAccount account, string? wantedPath, CancellationToken cancellationToken)
    {
        while (true)
        {
            PooledConnection? connection = null;
            lock (pool.Lock)
            {
                if (pool.Idle.Count > 0)
                {
                    var index = wantedPath is null ? -1 : pool.Idle.FindLastIndex(c => c.SelectedPath == wantedPath);
                    if (index < 0) index = pool.Idle.Count - 1;
                    connection = pool.Idle[index];
                    pool.Idle.RemoveAt(index);
                }
            }
            if (connection is null) return await OpenAsync(pool, account, cancellationToken).ConfigureAwait(false);

            if (!connection.Client.IsConnected || connection.CredentialStamp != account.CredentialStamp || connection.Generation != pool.Generation)
            {
                Discard(pool, connection, "stale", null);
                continue;
            }
            // NOOP only when unused for long or when the socket says the server wrote to (or closed) it while idle:
            // a connection the server dropped is found here, never by the caller's request.
            if (_time.GetUtcNow() - connection.LastUsed >= _options.NoopAfter || ConnectionLiveness.LooksSuspect(connection.Client))
            {
                try
                {
                    await connection.Client.NoOpAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ImapErrors.IsConnectionFailure(ex) || ex is MailKit.Net.Imap.ImapCommandException)
                {
                    Discard(pool, connection, "noop failed", ex);
                    continue;
                }
                catch
                {
                    Discard(pool, connection, "noop cancelled", null);
                    throw;
                }
            }
            return connection;
        }
    }

    private async Task<PooledConnection> OpenAsync(AccountPool pool, ImapAccount account, CancellationToken cancellationToken)
    {
        var permit = await AcquirePermitAsync(account, cancellationToken).ConfigureAwait(false);
        try
        {
            ReserveUserSlot(pool, account.Owner);
            try
            {
                ReserveGlobalSlot(pool);
            }
            catch
            {
                ReleaseUserSlot(account.Owner);
                throw;
            }
        }
        catch
        {
            await permit.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        int generation;
        lock (pool.Lock)
        {
            pool.Open++;
            generation = pool.Generation;
        }
        try
        {
            var client = await _connector.ConnectAsync(account, cancellationToken).ConfigureAwait(false);
            var now = _time.GetUtcNow();
            lock (pool.Lock)
            {
                ClearFailure(pool);
                pool.SetState(AccountConnectionState.Connected, null, now);
            }
            _telemetry.ConnectionOpened();
            return new PooledConnection(client, account.CredentialStamp, generation, now) { Permit = permit, Owner = account.Owner };
        }
        catch (Exception ex)
        {
            lock (pool.Lock) pool.Open--;
            Interlocked.Decrement(ref _globalOpen);
            ReleaseUserSlot(account.Owner);
            _ = permit.DisposeAsync().AsTask();
            RecordFailure(pool, account, ex);
            throw;
        }
    }

    private void RecordFailure(AccountPool pool, ImapAccount account, Exception ex)
    {
        var now = _time.GetUtcNow();
        lock (pool.Lock)
        {
            switch (ex)
            {
                case ImapAuthenticationException:
                    pool.FailedStamp = account.CredentialStamp;
                    pool.Failures++;
                    pool.SetState(AccountConnectionState.AuthFailed, ex.Message, now);
                    break;
                case ImapUnavailableException:
                    pool.Failures++;
                    pool.RetryAt = now + Backoff.Delay(pool.Failures, Random.Shared.NextDouble());
                    pool.SetState(AccountConnectionState.Unreachable, ex.Message, now);
                    break;
                case ImapPolicyException:
                    pool.SetState(AccountConnectionState.Disabled, ex.Message, now);
                    break;
                default:
                    return; // cancelled: says nothing about the server
            }
            ImapLog.AccountBackoff(_logger, pool.AccountId, pool.State, pool.State == AccountConnectionState.Unreachable ? pool.RetryAt : null);
        }
    }

    /// <summary>Takes a connection back from a lease: broken or outdated ones are closed, the rest become free.</summary>
    internal void Return(AccountPool pool, PooledConnection connection, bool broken)
    {
        if (broken || _disposed != 0 || !connection.Client.IsConnected)
        {
            Discard(pool, connection, broken ? "broken" : "disconnected", null);
            return;
        }
        connection.LastUsed = _time.GetUtcNow();
        lock (pool.Lock)
        {
            if (connection.Generation == pool.Generation)
            {
                pool.Idle.Add(connection);
                return;
            }
        }
        Discard(pool, connection, "reset", null);
    }

    internal void Discard(AccountPool pool, PooledConnection connection, string reason, Exception? exception)
    {
        lock (pool.Lock) pool.Open--;
        Interlocked.Decrement(ref _globalOpen);
        ReleaseUserSlot(connection.Owner);
        if (connection.Permit is { } permit) _ = permit.DisposeAsync().AsTask();
        _telemetry.ConnectionClosed();
        ImapLog.ConnectionDiscarded(_logger, pool.AccountId, reason, exception);
        _ = CloseAsync(connection);
    }

    private static async Task CloseAsync(PooledConnection connection)
    {
        try
        {
            if (connection.Client.IsConnected)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await connection.Client.DisconnectAsync(true, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException || ImapErrors.IsConnectionFailure(ex) || ex is MailKit.Net.Imap.ImapCommandException)
        {
            // Closing anyway.
        }
        finally
        {
            connection.Client.Dispose();
        }
    }

    internal void LeaseEnded() => _telemetry.LeaseEnded();

    internal void Retrying(string accountId, Exception exception) => ImapLog.RetryingOnFreshConnection(_logger, accountId, exception);
}
