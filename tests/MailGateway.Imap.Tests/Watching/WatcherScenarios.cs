using MailKit;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace MailGateway.Imap.Tests.Watching;

/// <summary>Watcher behaviour every reference server must show: mailbox create/rename/delete, the IDLE + STATUS sweep
/// fallback, and catching up from a known state exactly once. Run on Dovecot (<see cref="MailboxWatcherTests"/>) and on
/// Cyrus, which has no NOTIFY (<see cref="CyrusMailboxWatcherTests"/>).</summary>
public abstract partial class WatcherScenarios(WatchEnvFixture fixture)
{
    protected WatchEnvFixture Fixture => fixture;

    /// <summary>Without NOTIFY mailbox changes are found by the sweep: sweep every second there.</summary>
    protected virtual TimeSpan? PollInterval => null;

    internal static MimeMessage Mail(string subject, string body = "Hello there, this is the body.")
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
    public async Task Reports_mailboxes_created_renamed_and_deleted()
    {
        const string user = "user192";
        await using var services = fixture.CreateServices(pollInterval: PollInterval);
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
        await using var services = fixture.CreateServices(pollInterval: PollInterval);
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

    [Fact]
    public async Task Each_sweep_is_one_LIST_STATUS_command_not_a_STATUS_per_mailbox()
    {
        const string user = "user195";
        var ct = TestContext.Current.CancellationToken;
        await using var services = Fixture.CreateServices(useNotify: false, pollInterval: TimeSpan.FromSeconds(1));
        using var commands = new CommandCounter(services);
        await using var watch = new WatchRecorder(services.GetRequiredService<IMailboxWatcher>(), Fixture.Account(user), new Dictionary<string, MailboxState>());
        await watch.WaitForAsync<MailboxChange.Connected>();

        // A folder without its own IDLE: the sweep finds the new message.
        var uid = await Fixture.Env.AppendAsync(user, "Archive", Mail("Found by the sweep"), ct);
        var added = await watch.WaitForAsync<MailboxChange.MessagesAdded>(a => a.Mailbox == "Archive", TimeSpan.FromSeconds(30));
        Assert.Equal(uid, Assert.Single(added.Messages).Uid);

        // Quiet sweeps: LIST (RETURN STATUS) once each, never a STATUS per mailbox.
        var lists = commands.Of("LIST");
        var statuses = commands.Of("STATUS");
        await watch.CollectAsync<MailboxChange>(TimeSpan.FromSeconds(3.5));
        Assert.True(commands.Of("LIST") - lists >= 2, $"{commands.Of("LIST") - lists} LIST commands in 3.5 s of 1 s sweeps");
        Assert.Equal(statuses, commands.Of("STATUS"));
    }
}
