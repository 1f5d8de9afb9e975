using MailGateway.Testing;
using MailKit;

namespace MailGateway.Imap.Tests.Infrastructure;

/// <summary>What another IMAP client does to a user's INBOX while the code under test caches or watches it: over a
/// connection of its own, never through the pool.</summary>
internal static class OtherClient
{
    /// <summary>Appends <paramref name="count"/> text messages ("message 0", ...) and returns their UIDs in order.</summary>
    public static async Task<List<uint>> SeedInboxAsync(this MailEnvironment env, string user, int count, CancellationToken ct)
    {
        var uids = new List<uint>();
        for (var i = 0; i < count; i++)
            uids.Add(await env.AppendAsync(user, "INBOX", TestMessages.Text($"message {i}", $"body of message {i}"), ct));
        return uids;
    }

    /// <summary>Opens INBOX read-write, applies <paramref name="change"/> and logs out.</summary>
    public static async Task ChangeInboxAsync(this MailEnvironment env, string user, Func<IMailFolder, Task> change, CancellationToken ct)
    {
        using var other = await env.ConnectAsync(user, ct);
        await other.Inbox.OpenAsync(FolderAccess.ReadWrite, ct);
        await change(other.Inbox);
        await other.DisconnectAsync(true, ct);
    }
}
