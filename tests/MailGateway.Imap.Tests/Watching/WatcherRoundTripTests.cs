using MailGateway.Imap.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MailGateway.Imap.Tests.Watching;

/// <summary>Issue 14 item 3: the watch catches up its selected mailbox (INBOX, where IDLE runs) with one UID FETCH
/// (CHANGEDSINCE, VANISHED with QRESYNC), without leaving it for STATUS and selecting it again.</summary>
public sealed class WatcherRoundTripTests(WatchEnvFixture fixture) : IClassFixture<WatchEnvFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("user174", true)]
    [InlineData("user175", false)]
    public async Task New_mail_in_the_selected_mailbox_costs_one_UID_FETCH(string user, bool notify)
    {
        await using var services = fixture.CreateServices(useNotify: notify);
        await using var watch = new WatchRecorder(services.GetRequiredService<IMailboxWatcher>(), fixture.Account(user), new Dictionary<string, MailboxState>());
        await watch.WaitForAsync<MailboxChange.Connected>();
        await fixture.Env.AppendAsync(user, "INBOX", TestMessages.Text("first"), Ct);
        await watch.WaitForAsync<MailboxChange.Synced>(s => s.Mailbox == "INBOX", TimeSpan.FromSeconds(30));
        using var commands = new CommandCounter(services);

        var uid = await fixture.Env.AppendAsync(user, "INBOX", TestMessages.Text("second"), Ct);
        var added = await watch.WaitForAsync<MailboxChange.MessagesAdded>(a => a.Messages.Any(m => m.Uid == uid), TimeSpan.FromSeconds(30));
        var synced = await watch.WaitForAsync<MailboxChange.Synced>(s => s.Mailbox == "INBOX");

        Assert.Equal("second", Assert.Single(added.Messages).Subject);
        Assert.Equal(uid + 1, synced.State.UidNext);
        // One UID FETCH; a second only when Dovecot under load answered the first without the items asked for
        // (the watcher then fetches that UID again, WatchSession.Complete). Never the STATUS/SELECT path.
        Assert.True(commands.Of("UID FETCH") is 1 or 2, commands.ToString());
        Assert.True(commands.Of("STATUS") + commands.Of("UNSELECT") + commands.Of("CLOSE") + commands.Of("EXAMINE") + commands.Of("SELECT") == 0, commands.ToString());
    }
}
