using MailGateway.Imap.Session;
using MailGateway.Imap.Tests.Infrastructure;
using MailKit;
using MailKit.Net.Imap;

namespace MailGateway.Imap.Tests.Integration;

/// <summary>The documented fallback for servers without CONDSTORE/QRESYNC, exercised by hiding those capabilities from MailKit.</summary>
public sealed class SyncFallbackTests(ImapEnvironment fixture)
{
    private const string User = "user66";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Without_CONDSTORE_snapshots_report_created_updated_and_destroyed()
    {
        await using var harness = new PoolHarness(fixture.Env);
        await using (var setup = await harness.RentAsync(User))
            await setup.CreateMailboxAsync("Fallback", Ct);
        var uids = new List<uint>();
        for (var i = 0; i < 3; i++) uids.Add(await fixture.Env.AppendAsync(User, "Fallback", TestMessages.Text($"f {i}"), Ct));

        var session = (ImapSession)await harness.RentAsync(User);
        await using var _ = session;
        var client = await session.ClientAsync(null, Ct);
        client.Capabilities &= ~(ImapCapabilities.CondStore | ImapCapabilities.QuickResync);

        var since = await session.GetStateAsync("Fallback", Ct);
        Assert.NotEqual(0ul, since.HighestModSeq); // the snapshot id
        uint added;
        using (var other = await fixture.Env.ConnectAsync(User, Ct))
        {
            var box = await other.GetFolderAsync("Fallback", Ct);
            await box.OpenAsync(FolderAccess.ReadWrite, Ct);
            await box.AddFlagsAsync(new UniqueId(uids[0]), MessageFlags.Seen, true, Ct);
            await box.AddFlagsAsync(new UniqueId(uids[2]), MessageFlags.Deleted, true, Ct);
            await box.ExpungeAsync([new UniqueId(uids[2])], Ct);
            added = (await box.AppendAsync(TestMessages.Text("f new"), MessageFlags.None, Ct))!.Value.Id;
        }

        var changes = await session.GetChangesAsync("Fallback", since, 100, Ct);
        Assert.Equal([added], changes.Created);
        Assert.Equal([uids[0]], changes.Updated);
        Assert.Equal([uids[2]], changes.Destroyed);

        var unknown = since with { HighestModSeq = 987_654_321 };
        await Assert.ThrowsAsync<CannotCalculateChangesException>(() => session.GetChangesAsync("Fallback", unknown, 100, Ct));
    }
}
