using MailGateway.Api.Events;
using MailGateway.Imap;

namespace MailGateway.Api.Accounts;

/// <summary>Records every IMAP login success and failure of the pool in the account's security log, and announces a
/// rejected login as <c>account.authFailed</c> on the one event pipeline (SignalR, GraphQL, webhooks). The pool stops
/// logging in after such a failure until the credentials change, so one failure is one event, not a storm.</summary>
internal sealed class ImapLoginObserver(ISecurityLogStore store, IServiceProvider services, TimeProvider time, ILogger<ImapLoginObserver> logger)
    : IImapLoginObserver
{
    /// <summary>Which gateway instance made the attempt.</summary>
    internal static readonly string Instance = $"{Environment.MachineName}/{Environment.ProcessId}";

    public async ValueTask OnLoginAttemptAsync(ImapLoginAttempt attempt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        var entry = new SecurityLogEntry(attempt.At, attempt.Succeeded ? "success" : "failure", Instance, attempt.Mechanism, attempt.ServerResponse);
        try
        {
            await store.AddAsync(attempt.AccountId, entry, cancellationToken).ConfigureAwait(false);
            if (!attempt.Succeeded && services.GetService<IMailEventPublisher>() is { } publisher)
            {
                // Resolved lazily: the publisher's sinks depend on services that depend on the pool.
                var change = new MailboxChange.AuthFailed("The IMAP server rejected the credentials.");
                foreach (var mailEvent in MailEventFactory.Create(attempt.AccountId, change, time.GetUtcNow()))
                    await publisher.PublishAsync(mailEvent, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            AccountsLog.SecurityLogWriteFailed(logger, e, attempt.AccountId);
        }
    }
}
