namespace MailGateway.Imap;

/// <summary>Base of every error the IMAP layer reports; messages never contain secrets.</summary>
public abstract class ImapGatewayException : Exception
{
    protected ImapGatewayException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>The server rejected the credentials, or the account is in authFailed and not retried yet.</summary>
public sealed class ImapAuthenticationException(string message, Exception? inner = null) : ImapGatewayException(message, inner);

/// <summary>The server could not be reached, TLS failed, it answered BYE/NO unexpectedly, or no connection was free in time.</summary>
public sealed class ImapUnavailableException(string message, TimeSpan? retryAfter = null, Exception? inner = null) : ImapGatewayException(message, inner)
{
    public TimeSpan RetryAfter { get; } = retryAfter ?? TimeSpan.FromSeconds(5);

    /// <summary>For a non-idempotent operation (APPEND, MOVE, COPY, delete) that failed midway: true when its command
    /// had been sent, so it may have taken effect (check before repeating it); false when it certainly did not.
    /// Null for reads and idempotent writes.</summary>
    public bool? MayHaveHappened { get; init; }
}

/// <summary>The account configuration is not allowed (insecure transport, forbidden host, private network).</summary>
public sealed class ImapPolicyException(string code, string message) : ImapGatewayException(message)
{
    /// <summary>Stable problem code, e.g. <c>insecure_transport</c>, <c>imap_host_forbidden</c>.</summary>
    public string Code { get; } = code;
}

public sealed class MailboxNotFoundException(string mailbox) : ImapGatewayException($"Mailbox '{mailbox}' was not found.")
{
    public string Mailbox { get; } = mailbox;
}

public sealed class MailboxAlreadyExistsException(string mailbox) : ImapGatewayException($"Mailbox '{mailbox}' already exists.");

public sealed class MessageNotFoundException(string message = "The message was not found.") : ImapGatewayException(message);

/// <summary>The id's UIDVALIDITY no longer matches the mailbox (it was recreated).</summary>
public sealed class StaleMessageException() : ImapGatewayException("The message id refers to an older version of the mailbox.");

/// <summary>A state token from before a UIDVALIDITY change, or too old to compute changes from.</summary>
public sealed class CannotCalculateChangesException(string message) : ImapGatewayException(message);

/// <summary>The server refused an operation for a reason the caller can fix (bad mailbox name, bad flag, quota).</summary>
public sealed class ImapOperationException(string message) : ImapGatewayException(message);
