using MailKit;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace MailGateway.Imap.Tests.Watching;

/// <summary>The watcher against a real Dovecot (NOTIFY, QRESYNC) and in its IDLE + STATUS fallback.</summary>
public sealed class MailboxWatcherTests(WatchEnvFixture fixture) : IClassFixture<WatchEnvFixture>
{
    private static MimeMessage Mail(string subject, string body = "Hello there, this is the body.")
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Ada Sender", "ada@example.test"));
        message.To.Add(new MailboxAddress("", "watch@example.test"));
        message.Subject = subject;
        message.Date = new DateTimeOffset(2026, 11, 20, 8, 30, 0, TimeSpan.Zero);
        message.Body = new TextPart("plain") { Text = body };
        return message;
    }

    [Fact]
    public async Task Reports_new_mail_flag_changes_and_expunges_with_notify()
    {
        const string user = "user191";
        await using var services = fixture.CreateServices();
        var watcher = services.GetRequiredService<IMailboxWatcher>();
        await using var watch = new WatchRecorder(watcher, fixture.Account(user), new Dictionary<string, MailboxState>());
        var connected = await watch.WaitForAsync<MailboxChange.Connected>();
        Assert.True(connected.UsesNotify);

        var uid = await fixture.Env.AppendAsync(user, "INBOX", Mail("Watched subject", "Preview text of the watched message"), TestContext.Current.CancellationToken);
        var added = await watch.WaitForAsync<MailboxChange.MessagesAdded>(a => a.Messages.Any(m => m.Uid == uid));
        var summary = Assert.Single(added.Messages, m => m.Uid == uid);
        Assert.Equal("INBOX", added.Mailbox);
        Assert.Equal("Watched subject", summary.Subject);
        Assert.Equal("ada@example.test", Assert.Single(summary.From).Address);
        Assert.Equal("Ada Sender", summary.From[0].Name);
        Assert.Contains("Preview text", summary.Preview, StringComparison.Ordinal);
        Assert.NotNull(summary.Date);

        using var other = await fixture.Env.ConnectAsync(user, TestContext.Current.CancellationToken);
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
        var archived = await fixture.Env.AppendAsync(user, "Archive", Mail("Archived while watching"), TestContext.Current.CancellationToken);
        var inArchive = await watch.WaitForAsync<MailboxChange.MessagesAdded>(a => a.Mailbox == "Archive");
        Assert.Equal(archived, Assert.Single(inArchive.Messages).Uid);
    }

    [Fact]
    public async Task Reports_mailboxes_created_renamed_and_deleted()
    {
        const string user = "user192";
        await using var services = fixture.CreateServices();
        await using var watch = new WatchRecorder(services.GetRequiredService<IMailboxWatcher>(), fixture.Account(user), new Dictionary<string, MailboxState>());
        await watch.WaitForAsync<MailboxChange.Connected>();
        var ct = TestContext.Current.CancellationToken;

        using var other = await fixture.Env.ConnectAsync(user, ct);
        var root = other.GetFolder(other.PersonalNamespaces[0])!;
        var created = (await root.CreateAsync("Watched", true, ct))!;
        Assert.Equal("Watched", (await watch.WaitForAsync<MailboxChange.MailboxCreated>()).Mailbox);

        await created.RenameAsync(root, "Renamed", ct);
        var renamed = await watch.WaitForAsync<MailboxChange.MailboxRenamed>();
        Assert.Equal(("Watched", "Renamed"), (renamed.OldMailbox, renamed.NewMailbox));

        await created.DeleteAsync(ct);
        Assert.Equal("Renamed", (await watch.WaitForAsync<MailboxChange.MailboxDeleted>()).Mailbox);
    }

    [Fact]
    public async Task Falls_back_to_idle_and_a_status_sweep_without_notify()
    {
        const string user = "user193";
        await using var services = fixture.CreateServices(useNotify: false, pollInterval: TimeSpan.FromSeconds(1));
        await using var watch = new WatchRecorder(services.GetRequiredService<IMailboxWatcher>(), fixture.Account(user), new Dictionary<string, MailboxState>());
        Assert.False((await watch.WaitForAsync<MailboxChange.Connected>()).UsesNotify);

        var inboxUid = await fixture.Env.AppendAsync(user, "INBOX", Mail("Seen by IDLE"), TestContext.Current.CancellationToken);
        Assert.Equal(inboxUid, Assert.Single((await watch.WaitForAsync<MailboxChange.MessagesAdded>(a => a.Mailbox == "INBOX")).Messages).Uid);

        var sentUid = await fixture.Env.AppendAsync(user, "Sent", Mail("Seen by the sweep"), TestContext.Current.CancellationToken);
        var sent = await watch.WaitForAsync<MailboxChange.MessagesAdded>(a => a.Mailbox == "Sent", TimeSpan.FromSeconds(10));
        Assert.Equal(sentUid, Assert.Single(sent.Messages).Uid);
    }

    [Fact]
    public async Task Catches_up_from_known_state_exactly_once()
    {
        const string user = "user194";
        var ct = TestContext.Current.CancellationToken;
        await using var services = fixture.CreateServices();
        var watcher = services.GetRequiredService<IMailboxWatcher>();
        var before = await fixture.Env.AppendAsync(user, "INBOX", Mail("Before the first watch"), TestContext.Current.CancellationToken);
        Dictionary<string, MailboxState> saved;
        await using (var first = new WatchRecorder(watcher, fixture.Account(user), new Dictionary<string, MailboxState>()))
        {
            await first.WaitForAsync<MailboxChange.Connected>();
            Assert.Empty(first.All.OfType<MailboxChange.MessagesAdded>()); // baseline only
            saved = new Dictionary<string, MailboxState>(first.State);
        }

        var whileDown1 = await fixture.Env.AppendAsync(user, "INBOX", Mail("While down 1"), TestContext.Current.CancellationToken);
        var whileDown2 = await fixture.Env.AppendAsync(user, "INBOX", Mail("While down 2"), TestContext.Current.CancellationToken);
        using (var other = await fixture.Env.ConnectAsync(user, ct))
        {
            await other.Inbox.OpenAsync(FolderAccess.ReadWrite, ct);
            await other.Inbox.AddFlagsAsync(new UniqueId(before), MessageFlags.Seen, true, ct);
        }

        await using var second = new WatchRecorder(watcher, fixture.Account(user), saved);
        // Connected comes after the catch-up sync (a login alone is not "up"): look at everything the watch reported.
        await second.WaitForAsync<MailboxChange.Connected>();
        await second.CollectAsync<MailboxChange>(TimeSpan.FromSeconds(2));
        var changes = second.All.ToList();
        var added = changes.OfType<MailboxChange.MessagesAdded>().SelectMany(a => a.Messages).Select(m => m.Uid).Order().ToList();
        Assert.Equal([whileDown1, whileDown2], added);
        var flag = Assert.Single(changes.OfType<MailboxChange.FlagsChanged>());
        Assert.Equal(before, flag.Uid);
        Assert.Contains(@"\Seen", flag.Flags);

        // A UIDVALIDITY change is one reset, not a flood of "new" messages.
        var stale = new Dictionary<string, MailboxState>(second.State) { ["INBOX"] = saved["INBOX"] with { UidValidity = saved["INBOX"].UidValidity - 1 } };
        await using var third = new WatchRecorder(watcher, fixture.Account(user), stale);
        var reset = await third.WaitForAsync<MailboxChange.UidValidityChanged>();
        Assert.Equal("INBOX", reset.Mailbox);
        var more = await third.CollectAsync<MailboxChange.MessagesAdded>(TimeSpan.FromSeconds(1));
        Assert.Empty(more);
    }
}
