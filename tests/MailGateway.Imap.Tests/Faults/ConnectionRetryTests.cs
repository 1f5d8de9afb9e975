using MailGateway.Imap.Tests.Infrastructure;
using MailKit;
using MailKit.Search;

namespace MailGateway.Imap.Tests.Faults;

/// <summary>Connections the server drops (<c>doveadm kick</c>, a real BYE and close by Dovecot) never reach the caller:
/// reads and idempotent writes run again on a fresh connection, a non-idempotent write is retried only when its
/// command was never sent, and dead free connections are found before they are leased.</summary>
public sealed class ConnectionRetryTests(ImapEnvironment fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Reads_and_flag_writes_on_a_lease_whose_connection_was_kicked_are_retried_on_a_fresh_connection()
    {
        const string user = "user85";
        var uid = await fixture.Env.AppendAsync(user, "INBOX", TestMessages.Text("retry read"), Ct);
        await using var harness = new PoolHarness(fixture.Env);
        await using var session = await harness.RentAsync(user);
        var state = await session.GetStateAsync("INBOX", Ct); // the lease now holds a connection with INBOX selected
        var logins = harness.Telemetry.LoginCount;

        await fixture.Env.KickAsync(user, Ct);
        var page = await session.ListMessagesAsync("INBOX", new MessageQuery { Limit = 10 }, Ct);
        Assert.Contains(page.Items, m => m.Uid == uid);
        Assert.Equal(logins + 1, harness.Telemetry.LoginCount);

        await fixture.Env.KickAsync(user, Ct);
        var changed = await session.UpdateFlagsAsync("INBOX", state.UidValidity, [uid], new FlagChange(Flagged: true), Ct);
        Assert.Equal([uid], changed);
        Assert.Equal(logins + 2, harness.Telemetry.LoginCount);
        Assert.Contains(harness.Logs.Lines, l => l.Contains("retrying once on a fresh connection", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_append_whose_connection_was_kicked_before_the_command_is_appended_exactly_once()
    {
        const string user = "user86";
        await using var harness = new PoolHarness(fixture.Env);
        await using var session = await harness.RentAsync(user);
        await session.GetStateAsync("INBOX", Ct);

        await fixture.Env.KickAsync(user, Ct);
        var subject = $"append after kick {Guid.NewGuid():N}";
        using var raw = new MemoryStream();
        await TestMessages.Text(subject).WriteToAsync(raw, Ct);
        raw.Position = 0;
        var appended = await session.AppendAsync("INBOX", raw, cancellationToken: Ct);

        using var check = await fixture.Env.ConnectAsync(user, Ct);
        await check.Inbox.OpenAsync(FolderAccess.ReadOnly, Ct);
        var found = await check.Inbox.SearchAsync(SearchQuery.SubjectContains(subject), Ct);
        Assert.Equal(appended.Uid, Assert.Single(found).Id);
    }

    [Fact]
    public async Task A_server_dropping_every_pooled_connection_costs_one_reconnect_each_and_no_error()
    {
        const string user = "user87";
        await using var harness = new PoolHarness(fixture.Env);
        // Fill the pool: three leases at once, each with a connection of its own.
        var leases = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => harness.RentAsync(user)));
        await Task.WhenAll(leases.Select(s => s.GetStateAsync("INBOX", Ct)));
        foreach (var lease in leases) await lease.DisposeAsync();
        var logins = harness.Telemetry.LoginCount;
        Assert.Equal(3, logins);

        await fixture.Env.KickAsync(user, Ct);
        for (var round = 0; round < 3; round++)
        {
            await Task.WhenAll(Enumerable.Range(0, 3).Select(async i =>
            {
                await using var session = await harness.RentAsync(user);
                var boxes = await session.ListMailboxesAsync(Ct);
                Assert.Contains(boxes, b => b.Path == "INBOX");
                await session.GetStateAsync(i % 2 == 0 ? "INBOX" : "Archive", Ct);
            }));
        }
        Assert.InRange(harness.Telemetry.LoginCount - logins, 1, 3);
    }

    [Fact]
    public async Task A_mailbox_deleted_and_recreated_behind_a_selected_connection_is_read_as_the_new_mailbox()
    {
        const string user = "user88";
        await using var harness = new PoolHarness(fixture.Env);
        await using var session = await harness.RentAsync(user);
        await session.CreateMailboxAsync("Recreated", Ct);
        await fixture.Env.AppendAsync(user, "Recreated", TestMessages.Text("old"), Ct);
        var before = await session.GetStateAsync("Recreated", Ct);

        using (var other = await fixture.Env.ConnectAsync(user, Ct))
        {
            var folder = await other.GetFolderAsync("Recreated", Ct);
            await folder.DeleteAsync(Ct);
            await other.GetFolder(other.PersonalNamespaces[0]).CreateAsync("Recreated", true, Ct);
        }
        var uid = await fixture.Env.AppendAsync(user, "Recreated", TestMessages.Text("new"), Ct);

        var after = await session.GetStateAsync("Recreated", Ct);
        Assert.NotEqual(before.UidValidity, after.UidValidity);
        var page = await session.ListMessagesAsync("Recreated", new MessageQuery { Limit = 10 }, Ct);
        Assert.Equal(uid, Assert.Single(page.Items).Uid);
    }
}
