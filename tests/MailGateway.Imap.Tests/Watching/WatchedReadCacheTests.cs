using MailGateway.Imap.Caching;
using MailGateway.Imap.Tests.Infrastructure;
using MailKit;
using Microsoft.Extensions.DependencyInjection;

namespace MailGateway.Imap.Tests.Watching;

/// <summary>
/// Imap:Cache:TrustWatch: the NOTIFY watch keeps the cached view of a mailbox current, so once it has applied another
/// client's flag change, expunge or arrival, the next page (and a cached body's flags) comes from memory with no IMAP
/// command on any connection but the watch's own IDLE. The view is not trusted once the watch is down.
/// </summary>
public sealed class WatchedReadCacheTests(WatchEnvFixture fixture) : IClassFixture<WatchEnvFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly MessageQuery Page = new() { Limit = 10 };

    [Fact]
    public async Task A_watched_page_follows_flags_expunges_and_arrivals_with_no_IMAP_command()
    {
        const string User = "user171";
        await using var services = Services();
        var uids = await fixture.Env.SeedInboxAsync(User, 5, Ct);
        await using var watch = new WatchRecorder(services.GetRequiredService<IMailboxWatcher>(), fixture.Account(User), new Dictionary<string, MailboxState>());
        await watch.WaitForAsync<MailboxChange.Connected>();
        var first = await ListAsync(services, User);
        using var commands = new CommandCounter(services, except: "IDLE");
        var cache = services.GetRequiredService<ReadCache>();

        var served = await WatchedListAsync(services, User, commands);
        Assert.Equal(first.Items.Select(i => (i.Uid, i.Subject, i.Flagged)), served.Items.Select(i => (i.Uid, i.Subject, i.Flagged)));

        await fixture.Env.ChangeInboxAsync(User, inbox => inbox.AddFlagsAsync(new UniqueId(uids[1]), MessageFlags.Flagged, true, Ct), Ct);
        await watch.WaitForAsync<MailboxChange.FlagsChanged>(f => f.Uid == uids[1]);
        Assert.True((await WatchedListAsync(services, User, commands)).Items.Single(i => i.Uid == uids[1]).Flagged);

        await fixture.Env.ChangeInboxAsync(User, async inbox =>
        {
            await inbox.AddFlagsAsync(new UniqueId(uids[2]), MessageFlags.Deleted, true, Ct);
            await inbox.ExpungeAsync([new UniqueId(uids[2])], Ct);
        }, Ct);
        await watch.WaitForAsync<MailboxChange.MessagesExpunged>(e => e.Uids.Contains(uids[2]));
        var expunged = await WatchedListAsync(services, User, commands);
        Assert.DoesNotContain(expunged.Items, i => i.Uid == uids[2]);
        Assert.Equal(4, expunged.Items.Count);

        var arrived = await fixture.Env.AppendAsync(User, "INBOX", TestMessages.Text("arrived while watched"), Ct);
        await watch.WaitForAsync<MailboxChange.MessagesAdded>(a => a.Messages.Any(m => m.Uid == arrived));
        var appended = await WatchedListAsync(services, User, commands);
        Assert.Equal((arrived, "arrived while watched"), (appended.Items[0].Uid, appended.Items[0].Subject));
        Assert.Equal(5, appended.Items.Count);
        Assert.True(cache.WatchedHits >= 4);
    }

    [Fact]
    public async Task A_cached_body_takes_its_flags_from_the_watched_view()
    {
        const string User = "user172";
        await using var services = Services();
        var uids = await fixture.Env.SeedInboxAsync(User, 2, Ct);
        await using var watch = new WatchRecorder(services.GetRequiredService<IMailboxWatcher>(), fixture.Account(User), new Dictionary<string, MailboxState>());
        await watch.WaitForAsync<MailboxChange.Connected>();
        var message = new MessageRef("INBOX", (await ListAsync(services, User)).State.UidValidity, uids[0]);
        await GetAsync(services, User, message); // caches the body
        using var commands = new CommandCounter(services, except: "IDLE");

        await fixture.Env.ChangeInboxAsync(User, inbox => inbox.AddFlagsAsync(new UniqueId(uids[0]), MessageFlags.Seen, true, Ct), Ct);
        await watch.WaitForAsync<MailboxChange.FlagsChanged>(f => f.Uid == uids[0]);
        await WaitLiveAsync(services, User);
        var before = commands.Count;
        var detail = await GetAsync(services, User, message);
        Assert.Equal(before, commands.Count);
        Assert.True(detail.Summary.Seen);
        Assert.Contains("body of message 0", detail.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Once_the_watch_is_down_a_read_proves_freshness_again()
    {
        const string User = "user173";
        // The watch does not come back within the test: what it vouched for must not be served any more.
        await using var services = Services(s => s["Events:ReconnectMin"] = "00:05:00");
        var uids = await fixture.Env.SeedInboxAsync(User, 3, Ct);
        await using var watch = new WatchRecorder(services.GetRequiredService<IMailboxWatcher>(), fixture.Account(User), new Dictionary<string, MailboxState>());
        await watch.WaitForAsync<MailboxChange.Connected>();
        await ListAsync(services, User);
        using var commands = new CommandCounter(services, except: "IDLE");
        await WatchedListAsync(services, User, commands);
        var cache = services.GetRequiredService<ReadCache>();

        await fixture.Env.KickAsync(User, Ct);
        await watch.WaitForAsync<MailboxChange.Disconnected>();
        await fixture.Env.ChangeInboxAsync(User, inbox => inbox.AddFlagsAsync(new UniqueId(uids[0]), MessageFlags.Flagged, true, Ct), Ct);
        var hits = cache.WatchedHits;
        var before = commands.Count;
        var page = await ListAsync(services, User);
        Assert.True(page.Items.Single(i => i.Uid == uids[0]).Flagged);
        Assert.Equal(hits, cache.WatchedHits);
        Assert.True(commands.Count > before);
    }

    private ServiceProvider Services(Action<Dictionary<string, string?>>? configure = null) =>
        fixture.CreateServices(configure: s =>
        {
            s["Imap:Cache:TrustWatch"] = "true";
            configure?.Invoke(s);
        });

    /// <summary>Waits (without reading through IMAP) until the watch vouches for INBOX again, then reads a page and
    /// checks that it came from memory: no command on any connection besides the watch's IDLE.</summary>
    private async Task<MessagePage> WatchedListAsync(ServiceProvider services, string user, CommandCounter commands)
    {
        await WaitLiveAsync(services, user);
        var cache = services.GetRequiredService<ReadCache>();
        var hits = cache.WatchedHits;
        var before = commands.Count;
        var page = await ListAsync(services, user);
        Assert.Equal(before, commands.Count);
        Assert.Equal(hits + 1, cache.WatchedHits);
        return page;
    }

    private async Task WaitLiveAsync(ServiceProvider services, string user)
    {
        var cache = services.GetRequiredService<ReadCache>();
        var scope = ReadCache.ScopeOf(fixture.Account(user));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!(cache.TryGetLiveState(scope, "INBOX", out var state) && cache.TryGetView(scope, "INBOX")?.UidsAt(state) is not null))
            await Task.Delay(20, timeout.Token);
    }

    private async Task<MessagePage> ListAsync(ServiceProvider services, string user)
    {
        await using var session = await services.GetRequiredService<IImapSessionPool>().RentAsync(fixture.Account(user), Ct);
        return await session.ListMessagesAsync("INBOX", Page, Ct);
    }

    private async Task<MessageDetail> GetAsync(ServiceProvider services, string user, MessageRef message)
    {
        await using var session = await services.GetRequiredService<IImapSessionPool>().RentAsync(fixture.Account(user), Ct);
        return await session.GetMessageAsync(message, cancellationToken: Ct);
    }
}
