using MailKit;
using Microsoft.Extensions.DependencyInjection;

namespace MailGateway.Imap.Tests.Watching;

/// <summary>The watcher against a real Dovecot (NOTIFY, QRESYNC) and in its IDLE + STATUS fallback; the scenarios of
/// <see cref="WatcherScenarios"/> run on Cyrus too (<see cref="CyrusMailboxWatcherTests"/>).</summary>
public sealed class MailboxWatcherTests(WatchEnvFixture env) : WatcherScenarios(env), IClassFixture<WatchEnvFixture>
{
    [Fact]
    public async Task Reports_new_mail_flag_changes_and_expunges_with_notify()
    {
        const string user = "user191";
        await using var services = Fixture.CreateServices();
        var watcher = services.GetRequiredService<IMailboxWatcher>();
        await using var watch = new WatchRecorder(watcher, Fixture.Account(user), new Dictionary<string, MailboxState>());
        var connected = await watch.WaitForAsync<MailboxChange.Connected>();
        Assert.True(connected.UsesNotify);

        var uid = await Fixture.Env.AppendAsync(user, "INBOX", Mail("Watched subject", "Preview text of the watched message"), TestContext.Current.CancellationToken);
        var added = await watch.WaitForAsync<MailboxChange.MessagesAdded>(a => a.Messages.Any(m => m.Uid == uid));
        var summary = Assert.Single(added.Messages, m => m.Uid == uid);
        Assert.Equal("INBOX", added.Mailbox);
        Assert.Equal("Watched subject", summary.Subject);
        Assert.Equal("ada@example.test", Assert.Single(summary.From).Address);
        Assert.Equal("Ada Sender", summary.From[0].Name);
        Assert.Contains("Preview text", summary.Preview, StringComparison.Ordinal);
        Assert.NotNull(summary.Date);

        using var other = await Fixture.Env.ConnectAsync(user, TestContext.Current.CancellationToken);
        await other.Inbox.OpenAsync(FolderAccess.ReadWrite, TestContext.Current.CancellationToken);
        await other.Inbox.AddFlagsAsync(new UniqueId(uid), MessageFlags.Flagged, true, TestContext.Current.CancellationToken);
        var flags = await watch.WaitForAsync<MailboxChange.FlagsChanged>(f => f.Uid == uid);
        Assert.Contains(@"\Flagged", flags.Flags);
        Assert.True(flags.ModSeq > 0);

        await other.Inbox.AddFlagsAsync(new UniqueId(uid), MessageFlags.Deleted, true, TestContext.Current.CancellationToken);
        await other.Inbox.ExpungeAsync(TestContext.Current.CancellationToken);
        var expunged = await watch.WaitForAsync<MailboxChange.MessagesExpunged>(e => e.Uids.Contains(uid));
        Assert.Equal("INBOX", expunged.Mailbox);

        // Another mailbox, no SELECT needed: NOTIFY reports it on the same connection.
        var archived = await Fixture.Env.AppendAsync(user, "Archive", Mail("Archived while watching"), TestContext.Current.CancellationToken);
        var inArchive = await watch.WaitForAsync<MailboxChange.MessagesAdded>(a => a.Mailbox == "Archive");
        Assert.Equal(archived, Assert.Single(inArchive.Messages).Uid);
    }
}
