using MailGateway.Imap.Pooling;
using MailKit;
using MailKit.Net.Imap;

namespace MailGateway.Imap.Session;

/// <summary>A lease from <see cref="ImapSessionPool"/>: holds a gate permit, binds a connection at the first
/// operation (or at rent when none was free) and gives it back on dispose. Operations live in the partial files.</summary>
internal sealed partial class ImapSession : IImapSession
{
    private readonly ImapSessionPool _pool;
    private readonly AccountPool _accountPool;
    private readonly ImapAccount _account;
    private PooledConnection? _connection;
    private bool _broken;
    private bool _committed;
    private bool _retrying;
    /// <summary>The first attempt failed on an answer MailKit refused to parse: summaries are fetched without structure.</summary>
    private bool _safeSummaries;
    private int _disposed;

    public ImapSession(ImapSessionPool pool, AccountPool accountPool, ImapAccount account)
    {
        _pool = pool;
        _accountPool = accountPool;
        _account = account;
    }

    internal string AccountId => _account.Id;

    internal async ValueTask<PooledConnection> BindAsync(string? wantedPath, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return _connection ??= await _pool.BindAsync(_accountPool, _account, wantedPath, cancellationToken).ConfigureAwait(false);
    }

    /// <param name="wantedPath">The mailbox the operation will select, so the lease can bind to a connection that has it selected.</param>
    internal async ValueTask<ImapClient> ClientAsync(string? wantedPath, CancellationToken cancellationToken) =>
        (await BindAsync(wantedPath, cancellationToken).ConfigureAwait(false)).Client;

    /// <summary>Selects <paramref name="path"/> unless this connection already has it selected (with enough access).</summary>
    internal async Task<IMailFolder> EnsureSelectedAsync(string path, FolderAccess access, CancellationToken cancellationToken)
    {
        var connection = await BindAsync(path, cancellationToken).ConfigureAwait(false);
        int epoch;
        lock (_accountPool.Lock) epoch = _accountPool.MailboxEpoch;
        if (connection.HasSelected(path, access, epoch)) return connection.SelectedFolder!;
        var folder = await GetFolderAsync(path, cancellationToken).ConfigureAwait(false);
        connection.Unselected();
        // Always read-write (READ-ONLY only when the server says so): one selection serves reads and writes.
        await MissingAsNotFound(path, () => folder.OpenAsync(FolderAccess.ReadWrite, cancellationToken)).ConfigureAwait(false);
        connection.Selected(path, folder, epoch);
        return folder;
    }

    internal async Task<IMailFolder> GetFolderAsync(string path, CancellationToken cancellationToken)
    {
        MailboxPaths.Validate(path);
        var client = await ClientAsync(path, cancellationToken).ConfigureAwait(false);
        if (string.Equals(path, "INBOX", StringComparison.OrdinalIgnoreCase)) return client.Inbox;
        try
        {
            return await client.GetFolderAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (FolderNotFoundException)
        {
            throw new MailboxNotFoundException(path);
        }
    }

    /// <summary>Runs a command on a named mailbox, turning "no such mailbox" into <see cref="MailboxNotFoundException"/>
    /// (MailKit's folder cache can outlive a mailbox another client deleted).</summary>
    internal static async Task MissingAsNotFound(string path, Func<Task> command)
    {
        try
        {
            await command().ConfigureAwait(false);
        }
        catch (ImapCommandException ex) when (ImapErrors.IsMissingMailbox(ex))
        {
            throw new MailboxNotFoundException(path);
        }
    }

    /// <summary>Renames and deletes change what paths mean on every connection of the account.</summary>
    internal void MailboxesChanged()
    {
        lock (_accountPool.Lock) _accountPool.MailboxEpoch++;
        _connection?.Unselected();
    }

    /// <summary>Runs one operation, turning protocol trouble into gateway exceptions. A connection failure marks
    /// the connection broken so it is discarded instead of going back to the pool. When the connection died before
    /// the operation reached its point of no return (<see cref="Committing"/>: a non-idempotent command sent, or the
    /// first byte handed to the caller), the operation runs once more on a fresh connection: the caller never sees a
    /// connection the server dropped. Idempotent operations never commit except by streaming.</summary>
    internal async Task<T> RunAsync<T>(Func<Task<T>> operation, bool idempotent = true)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        for (var attempt = 1; ; attempt++)
        {
            _committed = false;
            _retrying = attempt > 1;
            if (attempt == 1)
            {
                _safeSummaries = false;
                _firstAttempt = null;
            }
            try
            {
                return await operation().ConfigureAwait(false);
            }
            catch (ImapGatewayException)
            {
                throw;
            }
            catch (Exception ex) when (ImapErrors.IsConnectionFailure(ex))
            {
                var committed = _committed;
                DropConnection();
                if (ImapErrors.IsUnparsable(ex)) _safeSummaries = true;
                if (attempt == 1 && !committed && ImapErrors.IsRetryable(ex))
                {
                    _pool.Retrying(_account.Id, ex);
                    continue;
                }
                // A timeout (frozen server) is a 503 like the pool's own timeouts, whatever wrapped it; a drop is a 502.
                throw new ImapUnavailableException(committed && !idempotent
                        ? "The IMAP connection failed while the operation was under way; it may or may not have taken effect."
                        : "The IMAP connection failed during the operation.", TimeSpan.FromSeconds(2), ImapErrors.TimeoutIn(ex) ?? ex)
                { MayHaveHappened = idempotent ? null : committed };
            }
            catch (FolderNotFoundException ex)
            {
                throw new MailboxNotFoundException(ex.FolderName);
            }
            catch (MailKit.MessageNotFoundException)
            {
                throw new MessageNotFoundException();
            }
            catch (ImapCommandException ex)
            {
                throw new ImapOperationException($"The IMAP server refused the operation: {Sanitize(ex.ResponseText)}");
            }
            catch (OperationCanceledException)
            {
                // MailKit drops the connection when a command is cancelled midway; make sure it isn't reused.
                if (_connection is { Client.IsConnected: false }) _broken = true;
                throw;
            }
        }
    }

    internal Task RunAsync(Func<Task> operation, bool idempotent = true) => RunAsync(async () =>
    {
        await operation().ConfigureAwait(false);
        return true;
    }, idempotent);

    /// <summary>Marks the point of no return of the running operation: from here a dead connection is reported,
    /// not retried (bytes went to the caller).</summary>
    internal void Committing() => _committed = true;

    /// <summary>Before a non-idempotent command: if the socket looks dropped, NOOP first (a failure there is still
    /// retried on a fresh connection, since nothing happened yet); then marks the point of no return.</summary>
    internal async Task CommittingAsync(CancellationToken cancellationToken)
    {
        if (_connection is { } connection && ConnectionLiveness.LooksSuspect(connection.Client))
            await connection.Client.NoOpAsync(cancellationToken).ConfigureAwait(false);
        _committed = true;
    }

    /// <summary>True while an operation runs for the second time (it may find its own first attempt's effect).</summary>
    internal bool Retrying => _retrying;

    /// <summary>Gives the dead connection back as broken and unbinds, so the next step binds a live one.</summary>
    private void DropConnection()
    {
        var connection = _connection;
        _connection = null;
        _broken = false;
        if (connection is not null) _pool.Return(_accountPool, connection, broken: true);
    }

    private static string Sanitize(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "no reason given";
        var clean = new string([.. text.Take(200).Select(c => char.IsControl(c) ? ' ' : c)]);
        return clean.Trim();
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return ValueTask.CompletedTask;
        var connection = _connection;
        _connection = null;
        if (connection is not null) _pool.Return(_accountPool, connection, _broken || !connection.Client.IsConnected);
        _accountPool.Gate.Exit();
        _pool.LeaseEnded();
        return ValueTask.CompletedTask;
    }
}
