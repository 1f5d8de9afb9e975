namespace MailGateway.Imap;

/// <summary>One IMAP authentication attempt, as the security log records it. Holds no secret.</summary>
/// <param name="ServerResponse">The server's answer text (secrets removed, truncated), or null.</param>
public sealed record ImapLoginAttempt(
    string AccountId,
    DateTimeOffset At,
    bool Succeeded,
    string Mechanism,
    string? ServerResponse);

/// <summary>Told about every IMAP login success and failure (security log, login monitoring).
/// Called inline after each attempt: keep it quick and don't throw; errors are logged and ignored.</summary>
public interface IImapLoginObserver
{
    ValueTask OnLoginAttemptAsync(ImapLoginAttempt attempt, CancellationToken cancellationToken = default);
}

/// <summary>The default observer: records nothing.</summary>
internal sealed class NullImapLoginObserver : IImapLoginObserver
{
    public ValueTask OnLoginAttemptAsync(ImapLoginAttempt attempt, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
}
