using Microsoft.Extensions.DependencyInjection;

namespace MailGateway.Imap.Tests.Watching;

public abstract partial class WatcherScenarios
{
    /// <summary>Cyrus answers a command on a selected mailbox deleted by another session with NO; Dovecot ends the
    /// session (BYE "Mailbox was deleted under us"), so there a reconnect cannot be avoided and the catch-up reports it.</summary>
    protected virtual bool AnswersNoForADeletedSelectedMailbox => false;

    /// <summary>The race of a full CI run: a mailbox listed (and found changed) is deleted by another client between the
    /// watcher's EXAMINE and its UID FETCH; the server answers NO. That is a mailbox gone, not a connection failure:
    /// MailboxDeleted once, no Disconnected where the server keeps the session, and the watch goes on (a message in INBOX is still reported).</summary>
    [Fact]
    public async Task A_mailbox_deleted_between_its_select_and_fetch_is_reported_deleted_without_reconnecting()
    {
        const string user = "user196";
        var ct = TestContext.Current.CancellationToken;
        using (var setup = await fixture.Env.ConnectAsync(user, ct))
        {
            var root = setup.GetFolder(setup.PersonalNamespaces[0])!;
            await root.CreateAsync("Doomed", true, ct);
        }
        await fixture.Env.AppendAsync(user, "Doomed", Mail("Before the watch"), ct);

        await using var proxy = new HoldingProxy(fixture.Env.ImapPort, "EXAMINE", "FETCH", async () =>
        {
            using var other = await fixture.Env.ConnectAsync(user, ct);
            await (await other.GetFolderAsync("Doomed", ct)).DeleteAsync(ct);
        }).Start();
        await using var services = fixture.CreateServices(useNotify: false, pollInterval: TimeSpan.FromSeconds(1),
            configure: s => s["Imap:AllowInsecure"] = "true");
        var account = new ImapAccount(user, fixture.Env.Host, proxy.Port, ImapSecurity.None, user);
        await using var watch = new WatchRecorder(services.GetRequiredService<IMailboxWatcher>(), account, new Dictionary<string, MailboxState>());
        await watch.WaitForAsync<MailboxChange.Connected>();

        // Doomed changes: the sweep lists it as changed, EXAMINEs it, and its UID FETCH is held until it is deleted.
        await fixture.Env.AppendAsync(user, "Doomed", Mail("Seen by the sweep, then gone"), ct);
        Assert.Equal("Doomed", (await watch.WaitForAsync<MailboxChange.MailboxDeleted>(timeout: TimeSpan.FromSeconds(30))).Mailbox);
        Assert.True(proxy.Fired);

        var uid = await fixture.Env.AppendAsync(user, "INBOX", Mail("After the race"), ct);
        await watch.WaitForAsync<MailboxChange.MessagesAdded>(a => a.Mailbox == "INBOX" && a.Messages.Any(m => m.Uid == uid), TimeSpan.FromSeconds(30));
        if (AnswersNoForADeletedSelectedMailbox) Assert.Empty(watch.All.OfType<MailboxChange.Disconnected>());
        Assert.Single(watch.All.OfType<MailboxChange.MailboxDeleted>(), d => d.Mailbox == "Doomed");
    }

    /// <summary>The persisted state a watch is given names a mailbox that is gone by the time it connects: the catch-up
    /// reports it deleted, once.</summary>
    [Fact]
    public async Task A_known_mailbox_no_longer_listed_is_reported_deleted_on_connect()
    {
        const string user = "user197";
        await using var services = fixture.CreateServices(pollInterval: PollInterval);
        var known = new Dictionary<string, MailboxState> { ["Ghost"] = new(1234, 5, 0) };
        await using var watch = new WatchRecorder(services.GetRequiredService<IMailboxWatcher>(), fixture.Account(user), known);
        Assert.Equal("Ghost", (await watch.WaitForAsync<MailboxChange.MailboxDeleted>(timeout: TimeSpan.FromSeconds(30))).Mailbox);
        await watch.WaitForAsync<MailboxChange.Connected>();
        Assert.Single(watch.All.OfType<MailboxChange.MailboxDeleted>());
    }
}
