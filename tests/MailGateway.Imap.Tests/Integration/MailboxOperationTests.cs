using MailGateway.Imap.Tests.Infrastructure;
using MailKit;

namespace MailGateway.Imap.Tests.Integration;

public sealed class MailboxOperationTests(ImapEnvironment fixture)
{
    private const string User = "user60";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Mailboxes_are_listed_with_counts_and_special_use()
    {
        await fixture.Env.AppendAsync(User, "INBOX", TestMessages.Text("one"), Ct);
        await fixture.Env.AppendAsync(User, "INBOX", TestMessages.Text("two"), Ct, MessageFlags.Seen);
        await using var harness = new PoolHarness(fixture.Env);
        await using var session = await harness.RentAsync(User);
        var boxes = await session.ListMailboxesAsync(Ct);

        using var check = await fixture.Env.ConnectAsync(User, Ct);
        await check.Inbox.StatusAsync(StatusItems.Count | StatusItems.Unread | StatusItems.UidNext | StatusItems.UidValidity, Ct);
        var inbox = Assert.Single(boxes, b => b.Path == "INBOX");
        Assert.Equal("inbox", inbox.SpecialUse);
        Assert.Equal(check.Inbox.Count, inbox.Total);
        Assert.Equal(check.Inbox.Unread, inbox.Unseen);
        Assert.Equal(check.Inbox.UidValidity, inbox.UidValidity);
        Assert.Equal(check.Inbox.UidNext!.Value.Id, inbox.UidNext);
        Assert.True(inbox.HighestModSeq > 0);
        Assert.Equal("sent", Assert.Single(boxes, b => b.Path == "Sent").SpecialUse);
        Assert.Equal("trash", Assert.Single(boxes, b => b.Path == "Trash").SpecialUse);
        Assert.Equal("junk", Assert.Single(boxes, b => b.Path == "Junk").SpecialUse);
        Assert.Equal('/', inbox.Delimiter);
    }

    [Fact]
    public async Task Create_with_parents_rename_with_children_subscribe_and_delete()
    {
        await using var harness = new PoolHarness(fixture.Env);
        await using var session = await harness.RentAsync(User);
        var created = await session.CreateMailboxAsync("Work/Clients/Acme", Ct);
        Assert.Equal("Work/Clients/Acme", created.Path);
        Assert.Equal("Acme", created.Name);
        await Assert.ThrowsAsync<MailboxAlreadyExistsException>(() => session.CreateMailboxAsync("Work/Clients/Acme", Ct));

        using (var check = await fixture.Env.ConnectAsync(User, Ct))
        {
            var all = (await check.GetFoldersAsync(check.PersonalNamespaces[0], cancellationToken: Ct)).Select(f => f.FullName).ToList();
            Assert.Contains("Work", all);
            Assert.Contains("Work/Clients", all);
            Assert.Contains("Work/Clients/Acme", all);
        }

        var renamed = await session.UpdateMailboxAsync("Work", new MailboxUpdate(NewPath: "Jobs"), Ct);
        Assert.Equal("Jobs", renamed.Path);
        var child = await session.GetMailboxAsync("Jobs/Clients/Acme", Ct);
        Assert.Equal("Jobs/Clients/Acme", child.Path);
        await Assert.ThrowsAsync<MailboxNotFoundException>(() => session.GetMailboxAsync("Work/Clients/Acme", Ct));

        var subscribed = await session.UpdateMailboxAsync("Jobs/Clients/Acme", new MailboxUpdate(Subscribed: true), Ct);
        Assert.True(subscribed.Subscribed);
        using (var check = await fixture.Env.ConnectAsync(User, Ct))
        {
            var subs = (await check.GetFoldersAsync(check.PersonalNamespaces[0], subscribedOnly: true, cancellationToken: Ct)).Select(f => f.FullName);
            Assert.Contains("Jobs/Clients/Acme", subs);
        }

        await session.DeleteMailboxAsync("Jobs/Clients/Acme", Ct);
        await Assert.ThrowsAsync<MailboxNotFoundException>(() => session.GetMailboxAsync("Jobs/Clients/Acme", Ct));
        await Assert.ThrowsAsync<ImapOperationException>(() => session.DeleteMailboxAsync("INBOX", Ct));
        await Assert.ThrowsAsync<ImapOperationException>(() => session.CreateMailboxAsync("bad*name", Ct));
    }

    [Fact]
    public async Task A_renamed_mailbox_is_reselected_on_other_pooled_connections()
    {
        await using var harness = new PoolHarness(fixture.Env);
        await using (var setup = await harness.RentAsync(User))
            await setup.CreateMailboxAsync("Movable", Ct);
        await fixture.Env.AppendAsync(User, "Movable", TestMessages.Text("in movable"), Ct);
        var first = await harness.RentAsync(User);
        var second = await harness.RentAsync(User);
        await first.ListMessagesAsync("Movable", new MessageQuery(), Ct);
        await second.UpdateMailboxAsync("Movable", new MailboxUpdate("Moved"), Ct);
        await second.DisposeAsync();
        await using (var created = await harness.RentAsync(User)) await created.CreateMailboxAsync("Movable", Ct);
        var page = await first.ListMessagesAsync("Movable", new MessageQuery(), Ct);
        Assert.Empty(page.Items);
        await first.DisposeAsync();
    }
}
