using MailGateway.Imap.Caching;

namespace MailGateway.Imap.Tests.Unit;

/// <summary>The rules that decide when the watch may vouch for a cached view (Imap:Cache:TrustWatch).</summary>
public sealed class WatchFeedUnitTests
{
    private static readonly MailboxState K = new(7, 10, 100);
    private static readonly MailboxState S = new(7, 12, 105);

    [Fact]
    public void A_notification_during_the_sync_keeps_the_mailbox_unvouched_and_a_reset_drops_everything()
    {
        var feed = new WatchFeed();
        var states = new Dictionary<string, MailboxState> { ["INBOX"] = S, ["Sent"] = K };
        var sequence = feed.Sequence;
        feed.Invalidate("INBOX");
        Assert.False(feed.MarkCurrent(sequence, states, new HashSet<string>()));
        Assert.False(feed.TryGetLive("INBOX", TimeSpan.FromMinutes(1), out _));

        Assert.True(feed.MarkCurrent(feed.Sequence, states, new HashSet<string> { "Sent" }));
        Assert.True(feed.TryGetLive("INBOX", TimeSpan.FromMinutes(1), out var live));
        Assert.Equal(S, live);
        Assert.False(feed.TryGetLive("Sent", TimeSpan.FromMinutes(1), out _));

        feed.Invalidate(null); // the mailbox list changed
        Assert.False(feed.TryGetLive("INBOX", TimeSpan.FromMinutes(1), out _));
        Assert.True(feed.MarkCurrent(feed.Sequence, states, new HashSet<string>()));
        feed.Reset();
        Assert.False(feed.TryGetLive("INBOX", TimeSpan.FromMinutes(1), out _));
    }

    [Fact]
    public async Task A_watch_not_heard_from_within_the_allowed_silence_vouches_for_nothing()
    {
        var feed = new WatchFeed();
        Assert.True(feed.MarkCurrent(feed.Sequence, new Dictionary<string, MailboxState> { ["INBOX"] = S }, new HashSet<string>()));
        Assert.True(feed.TryGetLive("INBOX", TimeSpan.FromMinutes(1), out _));
        var start = Environment.TickCount64;
        while (Environment.TickCount64 - start < 50) await Task.Delay(10, TestContext.Current.CancellationToken);
        Assert.False(feed.TryGetLive("INBOX", TimeSpan.FromMilliseconds(20), out _));
    }

    [Fact]
    public void The_watcher_advances_a_view_only_from_within_its_delta()
    {
        var view = new MailboxView(7);
        view.Install(new MailboxState(7, 9, 90), [1, 2, 3]);
        Assert.False(view.Advance(K, S, [10, 11], new HashSet<uint>())); // the view misses changes between 90 and 100

        view.Install(new MailboxState(7, 10, 100), [1, 2, 3, 5]);
        Assert.True(view.Advance(K, S, [10, 11], new HashSet<uint> { 2 }));
        Assert.Equal([1u, 3, 5, 10, 11], view.UidsAt(S));

        Assert.False(view.Advance(K, new MailboxState(7, 12, 104), [], new HashSet<uint>())); // the view is newer already
        Assert.False(view.Advance(new MailboxState(8, 1, 1), new MailboxState(8, 2, 2), [1], new HashSet<uint>()));
    }
}
