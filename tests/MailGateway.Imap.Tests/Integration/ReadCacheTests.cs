using MailGateway.Imap.Tests.Infrastructure;
using MailKit;

namespace MailGateway.Imap.Tests.Integration;

/// <summary>
/// The read cache serves pages and bodies from memory once one cheap command proved the mailbox unchanged, and is
/// never older than what another client committed before the read: flags, expunges and arrivals made through an
/// independent MailKit connection show up on the very next read, whether the pooled connection kept the mailbox
/// selected (MaxConnectionsPerAccount = 1) or not.
/// </summary>
public class ReadCacheTests(ImapEnvironment fixture)
{
    /// <summary>The IMAP server these tests run against (the private Dovecot; <see cref="CyrusReadCacheTests"/> overrides it).</summary>
    protected virtual MailGateway.Testing.MailEnvironment Env => fixture.Env;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly MessageQuery Page = new() { Limit = 10 };

    [Fact]
    public async Task A_repeated_page_is_served_from_the_cache_with_at_most_NOOP_and_STATUS()
    {
        const string User = "user131";
        await using var harness = new PoolHarness(Env);
        await Env.SeedInboxAsync(User, 12, Ct);
        var first = await ListAsync(harness, User, Page);
        var cache = harness.PoolImpl.Cache!;
        var hits = cache.Hits;
        var commands = harness.Telemetry.CommandCount;

        var second = await ListAsync(harness, User, Page);

        Assert.InRange(harness.Telemetry.CommandCount - commands, 1, 2);
        Assert.Equal(hits + 10, cache.Hits);
        Assert.Equal(first.Items.Select(i => (i.Uid, i.Subject)), second.Items.Select(i => (i.Uid, i.Subject)));
        Assert.Equal(first.State, second.State);
        Assert.Equal(first.NextBeforeUid, second.NextBeforeUid);
        var older = await ListAsync(harness, User, Page with { BeforeUid = second.NextBeforeUid });
        Assert.Equal(2, older.Items.Count);
        Assert.Null(older.NextBeforeUid);
    }

    [Theory]
    [InlineData("user132", 1)]
    [InlineData("user133", 3)]
    public async Task Flags_expunges_and_arrivals_by_another_client_show_on_the_next_page(string user, int connections)
    {
        await using var harness = new PoolHarness(Env, s => s["MaxConnectionsPerAccount"] = connections.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var uids = await Env.SeedInboxAsync(user, 5, Ct);
        await ListAsync(harness, user, Page);
        await ListAsync(harness, user, Page); // cached now

        await Env.ChangeInboxAsync(user, inbox => inbox.AddFlagsAsync(new UniqueId(uids[1]), MessageFlags.Flagged, true, Ct), Ct);
        var flagged = await ListAsync(harness, user, Page);
        Assert.True(flagged.Items.Single(i => i.Uid == uids[1]).Flagged);

        await Env.ChangeInboxAsync(user, async inbox =>
        {
            await inbox.AddFlagsAsync(new UniqueId(uids[2]), MessageFlags.Deleted, true, Ct);
            await inbox.ExpungeAsync([new UniqueId(uids[2])], Ct);
        }, Ct);
        var expunged = await ListAsync(harness, user, Page);
        Assert.DoesNotContain(expunged.Items, i => i.Uid == uids[2]);
        Assert.True(expunged.Items.Single(i => i.Uid == uids[1]).Flagged);

        var arrived = await Env.AppendAsync(user, "INBOX", TestMessages.Text("arrived later"), Ct);
        var appended = await ListAsync(harness, user, Page);
        Assert.Equal(arrived, appended.Items[0].Uid);
        Assert.Equal("arrived later", appended.Items[0].Subject);
        Assert.Equal(5, appended.Items.Count);

        await Env.ChangeInboxAsync(user, inbox => inbox.RemoveFlagsAsync(new UniqueId(uids[1]), MessageFlags.Flagged, true, Ct), Ct);
        var cleared = await ListAsync(harness, user, Page);
        Assert.False(cleared.Items.Single(i => i.Uid == uids[1]).Flagged);
    }

    [Theory]
    [InlineData("user134", 1)]
    [InlineData("user135", 3)]
    public async Task A_cached_body_carries_current_flags_and_an_expunged_message_is_gone(string user, int connections)
    {
        await using var harness = new PoolHarness(Env, s => s["MaxConnectionsPerAccount"] = connections.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var uids = await Env.SeedInboxAsync(user, 2, Ct);
        var uidValidity = (await ListAsync(harness, user, Page)).State.UidValidity;
        var message = new MessageRef("INBOX", uidValidity, uids[0]);
        var cache = harness.PoolImpl.Cache!;
        await GetAsync(harness, user, message);
        var hits = cache.Hits;

        await Env.ChangeInboxAsync(user, inbox => inbox.AddFlagsAsync(new UniqueId(uids[0]), MessageFlags.Seen, true, Ct), Ct);
        var detail = await GetAsync(harness, user, message);
        Assert.Equal(hits + 1, cache.Hits);
        Assert.True(detail.Summary.Seen);
        Assert.Equal("message 0", detail.Summary.Subject);
        Assert.Contains("body of message 0", detail.Text, StringComparison.Ordinal);

        await Env.ChangeInboxAsync(user, async inbox =>
        {
            await inbox.AddFlagsAsync(new UniqueId(uids[0]), MessageFlags.Deleted, true, Ct);
            await inbox.ExpungeAsync([new UniqueId(uids[0])], Ct);
        }, Ct);
        await Assert.ThrowsAsync<MessageNotFoundException>(() => GetAsync(harness, user, message));
    }

    [Theory]
    [InlineData("user67", 1)]
    [InlineData("user68", 3)]
    public async Task A_cached_message_shows_flags_and_keywords_another_client_removed(string user, int connections)
    {
        await using var harness = new PoolHarness(Env, s => s["MaxConnectionsPerAccount"] = connections.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var uids = await Env.SeedInboxAsync(user, 2, Ct);
        await Env.ChangeInboxAsync(user, inbox => inbox.StoreAsync(new UniqueId(uids[0]),
            new StoreFlagsRequest(StoreAction.Add, MessageFlags.Flagged, ["$Work"]) { Silent = true }, Ct), Ct);
        var message = await CachedMessageAsync(harness, user, uids[0]);

        await Env.ChangeInboxAsync(user, async inbox =>
        {
            await inbox.StoreAsync(new UniqueId(uids[0]), new StoreFlagsRequest(StoreAction.Remove, MessageFlags.Flagged, ["$Work"]) { Silent = true }, Ct);
            await inbox.AddFlagsAsync(new UniqueId(uids[0]), MessageFlags.Seen, true, Ct);
        }, Ct);
        var hits = harness.PoolImpl.Cache!.Hits;
        var detail = await GetAsync(harness, user, message);

        Assert.Equal(hits + 1, harness.PoolImpl.Cache!.Hits);
        Assert.Equal([@"\Seen"], detail.Summary.Flags);
    }

    [Fact]
    public async Task A_cached_message_on_a_connection_with_its_mailbox_selected_is_proven_with_one_UID_FETCH()
    {
        const string User = "user69";
        await using var harness = new PoolHarness(Env, s => s["MaxConnectionsPerAccount"] = "1");
        var uids = await Env.SeedInboxAsync(User, 2, Ct);
        var message = await CachedMessageAsync(harness, User, uids[1]);

        using (var unchanged = new Watching.CommandCounter(harness.Services))
        {
            Assert.False((await GetAsync(harness, User, message)).Summary.Flagged);
            Assert.True(unchanged.Count == 1 && unchanged.Of("UID FETCH") == 1, unchanged.ToString());
        }

        await Env.ChangeInboxAsync(User, inbox => inbox.AddFlagsAsync(new UniqueId(uids[1]), MessageFlags.Flagged, true, Ct), Ct);
        using var changed = new Watching.CommandCounter(harness.Services);
        Assert.True((await GetAsync(harness, User, message)).Summary.Flagged);
        Assert.True(changed.Count == 1 && changed.Of("UID FETCH") == 1, changed.ToString());
    }

    [Fact]
    public async Task Concurrent_reads_of_a_cached_message_share_freshness_proofs_and_all_see_a_change_committed_before()
    {
        const string User = "user70";
        const int Readers = 16;
        await using var harness = new PoolHarness(Env);
        var uids = await Env.SeedInboxAsync(User, 2, Ct);
        var message = await CachedMessageAsync(harness, User, uids[0]);
        await Env.ChangeInboxAsync(User, inbox => inbox.AddFlagsAsync(new UniqueId(uids[0]), MessageFlags.Flagged, true, Ct), Ct);
        using var commands = new Watching.CommandCounter(harness.Services);
        var proofs = harness.PoolImpl.FlagProofs.Proofs;

        using var start = new ManualResetEventSlim();
        var reads = Enumerable.Range(0, Readers).Select(_ => Task.Run(async () =>
        {
            start.Wait(Ct);
            return await harness.Pool.GetMessageAsync(harness.Account(User), message, cancellationToken: Ct);
        })).ToList();
        start.Set();
        var details = await Task.WhenAll(reads);

        Assert.All(details, d => Assert.True(d.Summary.Flagged));
        var sent = commands.Of("UID FETCH") + commands.Of("STATUS") + commands.Of("NOOP");
        Assert.True(sent < Readers, $"{harness.PoolImpl.FlagProofs.Proofs - proofs} proofs; {commands}");
    }

    /// <summary>Reads the message twice: it is cached then, and the pooled connection used last has INBOX selected.</summary>
    private async Task<MessageRef> CachedMessageAsync(PoolHarness harness, string user, uint uid)
    {
        var uidValidity = (await ListAsync(harness, user, Page)).State.UidValidity;
        var message = new MessageRef("INBOX", uidValidity, uid);
        await GetAsync(harness, user, message);
        await GetAsync(harness, user, message);
        return message;
    }

    [Fact]
    public async Task An_expunge_by_another_client_is_learnt_from_VANISHED_without_a_UID_SEARCH()
    {
        const string User = "user159";
        await using var harness = new PoolHarness(Env, s => s["MaxConnectionsPerAccount"] = "1");
        var uids = await Env.SeedInboxAsync(User, 4, Ct);
        await ListAsync(harness, User, Page);
        await Env.ChangeInboxAsync(User, async inbox =>
        {
            await inbox.AddFlagsAsync(new UniqueId(uids[1]), MessageFlags.Deleted, true, Ct);
            await inbox.ExpungeAsync([new UniqueId(uids[1])], Ct);
        }, Ct);
        using var commands = new Watching.CommandCounter(harness.Services);

        var page = await ListAsync(harness, User, Page);

        Assert.DoesNotContain(page.Items, i => i.Uid == uids[1]);
        Assert.Equal(3, page.Items.Count);
        Assert.True(commands.Of("UID SEARCH") + commands.Of("SEARCH") == 0, commands.ToString());
    }

    [Fact]
    public async Task A_disabled_cache_keeps_nothing()
    {
        const string User = "user136";
        await using var harness = new PoolHarness(Env, s => s["Cache:Enabled"] = "false");
        await Env.SeedInboxAsync(User, 3, Ct);
        await ListAsync(harness, User, Page);
        await ListAsync(harness, User, Page);
        Assert.Equal(0, harness.PoolImpl.Cache!.Hits + harness.PoolImpl.Cache!.Misses);
        Assert.Equal(0, harness.PoolImpl.Cache!.Bytes);
    }

    private static async Task<MessagePage> ListAsync(PoolHarness harness, string user, MessageQuery query)
    {
        await using var session = await harness.RentAsync(user);
        return await session.ListMessagesAsync("INBOX", query, Ct);
    }

    private static async Task<MessageDetail> GetAsync(PoolHarness harness, string user, MessageRef message)
    {
        await using var session = await harness.RentAsync(user);
        return await session.GetMessageAsync(message, cancellationToken: Ct);
    }
}
