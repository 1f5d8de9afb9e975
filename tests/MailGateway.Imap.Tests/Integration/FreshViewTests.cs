using MailGateway.Imap.Tests.Infrastructure;

namespace MailGateway.Imap.Tests.Integration;

/// <summary>A pooled connection keeps its mailbox selected between leases; mail another client delivered in the
/// meantime must still be reachable by its UID on that connection.</summary>
public sealed class FreshViewTests(ImapEnvironment fixture)
{
    private const string User = "user142";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_message_another_client_just_appended_is_found_on_a_connection_that_had_the_mailbox_selected()
    {
        await using var harness = new PoolHarness(fixture.Env, s => s["MaxConnectionsPerAccount"] = "1");
        uint uidValidity;
        await using (var first = await harness.RentAsync(User))
            uidValidity = (await first.ListMessagesAsync("INBOX", new MessageQuery { Limit = 1 }, Ct)).State.UidValidity;

        var read = await fixture.Env.AppendAsync(User, "INBOX", TestMessages.Text("arrived while selected"), Ct);
        var flagged = await fixture.Env.AppendAsync(User, "INBOX", TestMessages.Text("flag me"), Ct);
        var loginsBefore = harness.Telemetry.LoginCount;

        await using var second = await harness.RentAsync(User);
        var detail = await second.GetMessageAsync(new MessageRef("INBOX", uidValidity, read), cancellationToken: Ct);
        Assert.Equal("arrived while selected", detail.Summary.Subject);
        var changed = await second.UpdateFlagsAsync("INBOX", uidValidity, [flagged], new FlagChange(Flagged: true), Ct);
        Assert.Equal([flagged], changed);
        Assert.Equal(loginsBefore, harness.Telemetry.LoginCount); // the same pooled connection, not a fresh one
    }

    [Fact]
    public async Task A_mailbox_recreated_by_another_client_is_listed_afresh_on_a_connection_that_had_it_selected()
    {
        var name = $"Fresh-{Guid.NewGuid():N}";
        await using var harness = new PoolHarness(fixture.Env, s => s["MaxConnectionsPerAccount"] = "1");
        uint before;
        await using (var first = await harness.RentAsync(User))
        {
            await first.CreateMailboxAsync(name, Ct);
            await fixture.Env.AppendAsync(User, name, TestMessages.Text("old generation"), Ct);
            before = (await first.ListMessagesAsync(name, new MessageQuery { Limit = 5 }, Ct)).State.UidValidity;
        }

        using (var other = await fixture.Env.ConnectAsync(User, Ct))
        {
            var folder = await other.GetFolderAsync(name, Ct);
            await folder.DeleteAsync(Ct);
            await other.GetFolder(other.PersonalNamespaces[0]).CreateAsync(name, true, Ct);
        }
        await fixture.Env.AppendAsync(User, name, TestMessages.Text("new generation"), Ct);

        await using var second = await harness.RentAsync(User);
        var page = await second.ListMessagesAsync(name, new MessageQuery { Limit = 5 }, Ct);
        Assert.NotEqual(before, page.State.UidValidity);
        Assert.Equal(["new generation"], page.Items.Select(i => i.Subject));
    }
}
