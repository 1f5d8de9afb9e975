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
}
