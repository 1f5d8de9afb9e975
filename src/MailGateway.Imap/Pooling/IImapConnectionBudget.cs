namespace MailGateway.Imap;

/// <summary>
/// Permits for command-pool connections shared by every gateway instance (issue 15 item 2): at most
/// <see cref="ImapOptions.MaxConnectionsPerAccount"/> to one account and <see cref="ImapOptions.MaxConnectionsPerHost"/>
/// to one server across the cluster. The pool asks for a permit before it opens a connection and returns it when the
/// connection closes; waiting follows the pool's 503 + Retry-After rules. The default counts in the process
/// (<see cref="Pooling.LocalConnectionBudget"/>); the gateway registers a Redis-backed budget when Redis is configured.
/// </summary>
public interface IImapConnectionBudget
{
    /// <summary>A permit for one more connection to the account and its host (dispose it when the connection closes),
    /// or null when the budget is spent right now.</summary>
    ValueTask<IAsyncDisposable?> TryAcquireAsync(ImapAccount account, CancellationToken cancellationToken = default);

    /// <summary>Raised with an account id when some instance waits for that account's budget: close its free connections.</summary>
    event Action<string>? Contended;
}

/// <summary>No cluster-wide budget: every request is granted.</summary>
internal sealed class UnlimitedConnectionBudget : IImapConnectionBudget
{
    private static readonly IAsyncDisposable Permit = new NoPermit();

    public ValueTask<IAsyncDisposable?> TryAcquireAsync(ImapAccount account, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IAsyncDisposable?>(Permit);

    public event Action<string>? Contended
    {
        add { }
        remove { }
    }

    private sealed class NoPermit : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
