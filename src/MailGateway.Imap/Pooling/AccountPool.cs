namespace MailGateway.Imap.Pooling;

/// <summary>The pool's state for one account: the FIFO lease gate, free connections and connection health.
/// All fields except <see cref="Gate"/> are guarded by <see cref="Lock"/>.</summary>
internal sealed class AccountPool(string accountId, int maxConnections)
{
    public string AccountId { get; } = accountId;
    public FifoGate Gate { get; } = new(maxConnections);
    public Lock Lock { get; } = new();
    /// <summary>Free connections, most recently used last.</summary>
    public List<PooledConnection> Idle { get; } = [];
    /// <summary>Connections open or being opened (free and leased).</summary>
    public int Open { get; set; }
    public int Generation { get; set; }
    /// <summary>Bumped by renames and deletes so no connection keeps a stale selection.</summary>
    public int MailboxEpoch { get; set; }

    public AccountConnectionState State { get; set; } = AccountConnectionState.Connecting;
    public string? LastError { get; set; }
    public DateTimeOffset? Since { get; set; }
    /// <summary>The credential stamp that failed; the account stays authFailed while it is unchanged.</summary>
    public string? FailedStamp { get; set; }
    public int Failures { get; set; }
    public DateTimeOffset RetryAt { get; set; }

    public void SetState(AccountConnectionState state, string? error, DateTimeOffset now)
    {
        if (State != state) Since = now;
        State = state;
        LastError = error;
    }
}
