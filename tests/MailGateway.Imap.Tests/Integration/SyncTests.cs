using MailGateway.Imap.Tests.Infrastructure;
using MailKit;

namespace MailGateway.Imap.Tests.Integration;

public sealed class SyncTests(ImapEnvironment fixture)
{
    private const string User = "user65";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Changes_since_a_state_report_exactly_what_another_client_did()
    {
        await using var harness = new PoolHarness(fixture.Env);
        await using var session = await harness.RentAsync(User);
        await session.CreateMailboxAsync("SyncBox", Ct);
        var old = new List<uint>();
        for (var i = 0; i < 5; i++) old.Add(await fixture.Env.AppendAsync(User, "SyncBox", TestMessages.Text($"old {i}"), Ct));
        var since = await session.GetStateAsync("SyncBox", Ct);

        var none = await session.GetChangesAsync("SyncBox", since, 100, Ct);
        Assert.Empty(none.Created);
        Assert.Empty(none.Updated);
        Assert.Empty(none.Destroyed);

        var added = new List<uint>();
        using (var other = await fixture.Env.ConnectAsync(User, Ct))
        {
            var box = await other.GetFolderAsync("SyncBox", Ct);
            await box.OpenAsync(FolderAccess.ReadWrite, Ct);
            await box.AddFlagsAsync(new UniqueId(old[1]), MessageFlags.Flagged, true, Ct);
            await box.AddFlagsAsync(new UniqueId(old[3]), MessageFlags.Deleted, true, Ct);
            await box.ExpungeAsync([new UniqueId(old[3])], Ct);
            for (var i = 0; i < 2; i++)
                added.Add((await box.AppendAsync(TestMessages.Text($"new {i}"), MessageFlags.None, Ct))!.Value.Id);
        }

        var changes = await session.GetChangesAsync("SyncBox", since, 100, Ct);
        Assert.Equal(added, changes.Created);
        Assert.Equal([old[1]], changes.Updated);
        Assert.Equal([old[3]], changes.Destroyed);
        Assert.False(changes.HasMore);
        Assert.True(changes.NewState.HighestModSeq > since.HighestModSeq);

        var again = await session.GetChangesAsync("SyncBox", changes.NewState, 100, Ct);
        Assert.Empty(again.Created);
        Assert.Empty(again.Updated);
        Assert.Empty(again.Destroyed);
    }

    [Fact]
    public async Task Changes_are_paged_with_maxChanges()
    {
        await using var harness = new PoolHarness(fixture.Env);
        await using var session = await harness.RentAsync(User);
        await session.CreateMailboxAsync("PagedBox", Ct);
        await fixture.Env.AppendAsync(User, "PagedBox", TestMessages.Text("seed"), Ct);
        var since = await session.GetStateAsync("PagedBox", Ct);
        var added = new List<uint>();
        for (var i = 0; i < 5; i++) added.Add(await fixture.Env.AppendAsync(User, "PagedBox", TestMessages.Text($"p {i}"), Ct));

        var all = new List<uint>();
        var state = since;
        var pages = 0;
        MailboxChanges page;
        do
        {
            page = await session.GetChangesAsync("PagedBox", state, 2, Ct);
            all.AddRange(page.Created);
            state = page.NewState;
            pages++;
        } while (page.HasMore && pages < 10);
        Assert.Equal(added, all);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task A_recreated_mailbox_cannot_calculate_changes_and_old_ids_are_stale()
    {
        await using var harness = new PoolHarness(fixture.Env);
        await using var session = await harness.RentAsync(User);
        await session.CreateMailboxAsync("Recreated", Ct);
        var uid = await fixture.Env.AppendAsync(User, "Recreated", TestMessages.Text("before"), Ct);
        var since = await session.GetStateAsync("Recreated", Ct);

        using (var other = await fixture.Env.ConnectAsync(User, Ct))
        {
            var box = await other.GetFolderAsync("Recreated", Ct);
            await box.DeleteAsync(Ct);
            await other.GetFolder(other.PersonalNamespaces[0]).CreateAsync("Recreated", true, Ct);
        }
        await fixture.Env.AppendAsync(User, "Recreated", TestMessages.Text("after"), Ct);

        await using var fresh = await harness.RentAsync(User);
        await Assert.ThrowsAsync<CannotCalculateChangesException>(() => fresh.GetChangesAsync("Recreated", since, 100, Ct));
        await Assert.ThrowsAsync<StaleMessageException>(() => fresh.GetMessageAsync(new MessageRef("Recreated", since.UidValidity, uid), true, Ct));
    }
}
