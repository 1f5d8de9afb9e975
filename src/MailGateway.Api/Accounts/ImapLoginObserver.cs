using MailGateway.Imap;

namespace MailGateway.Api.Accounts;

/// <summary>Records every IMAP login success and failure of the pool in the account's security log.</summary>
internal sealed class ImapLoginObserver(ISecurityLogStore store, ILogger<ImapLoginObserver> logger) : IImapLoginObserver
{
    /// <summary>Which gateway instance made the attempt.</summary>
    internal static readonly string Instance = $"{Environment.MachineName}/{Environment.ProcessId}";

    public async ValueTask OnLoginAttemptAsync(ImapLoginAttempt attempt, CancellationToken cancellationToken = default)
    {
        var entry = new SecurityLogEntry(attempt.At, attempt.Succeeded ? "success" : "failure", Instance, attempt.Mechanism, attempt.ServerResponse);
        try
        {
            await store.AddAsync(attempt.AccountId, entry, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            AccountsLog.SecurityLogWriteFailed(logger, e, attempt.AccountId);
        }
    }
}
