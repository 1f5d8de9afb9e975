using System.Collections.Concurrent;
using MailGateway.Testing;

namespace MailGateway.Imap.Tests.Infrastructure;

/// <summary>Passwords from the mail environment, overridable per user; counts requests.</summary>
internal sealed class TestCredentials : IImapCredentialProvider
{
    public ConcurrentDictionary<string, string> Overrides { get; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>Answers a secret for (user, forceRefresh); when set, wins over the rest.</summary>
    public Func<ImapAccount, bool, string?>? Custom { get; set; }
    public int Requests;
    public int ForcedRefreshes;

    public ValueTask<ImapSecret> GetSecretAsync(ImapAccount account, bool forceRefresh, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref Requests);
        if (forceRefresh) Interlocked.Increment(ref ForcedRefreshes);
        var secret = Custom?.Invoke(account, forceRefresh)
            ?? (Overrides.TryGetValue(account.Username, out var value) ? value : MailEnvironment.PasswordOf(account.Username));
        return ValueTask.FromResult(new ImapSecret(secret));
    }
}

internal sealed class RecordingLoginObserver : IImapLoginObserver
{
    public ConcurrentQueue<ImapLoginAttempt> Attempts { get; } = new();

    public ValueTask OnLoginAttemptAsync(ImapLoginAttempt attempt, CancellationToken cancellationToken = default)
    {
        Attempts.Enqueue(attempt);
        return ValueTask.CompletedTask;
    }
}
