using MailKit.Net.Imap;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MailGateway.Imap.Tests.Watching;

/// <summary>Issue 16 item 3: a connection that logs in but fails before its first sync must not reset the backoff,
/// and the outage is announced once, not as a connected/disconnected pair per attempt.</summary>
public sealed class WatchBackoffAfterLoginTests
{
    /// <summary>"Logs in" by handing out a client that is not connected: the watch's first command (LIST) fails.</summary>
    private sealed class FailsAfterLogin : IWatchConnector
    {
        private int _attempts;

        public int Attempts => Volatile.Read(ref _attempts);

        public Task<ImapClient> ConnectAsync(ImapAccount account, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _attempts);
            return Task.FromResult(new ImapClient());
        }
    }

    [Fact]
    public async Task Failures_after_login_back_off_and_are_announced_once()
    {
        var connector = new FailsAfterLogin();
        var options = Options.Create(new MailboxWatcherOptions
        {
            ReconnectMin = TimeSpan.FromMilliseconds(100),
            ReconnectMax = TimeSpan.FromSeconds(30),
        });
        var watcher = new MailboxWatcher(connector, options, TimeProvider.System, NullLogger<MailboxWatcher>.Instance);
        var changes = new List<MailboxChange>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        try
        {
            await foreach (var change in watcher.WatchAsync(new ImapAccount("a1", "127.0.0.1", 993, ImapSecurity.Tls, "user"), new Dictionary<string, MailboxState>(), stop.Token))
                changes.Add(change);
        }
        catch (OperationCanceledException)
        {
        }

        // Backoff 0.1, 0.2, 0.4, 0.8, 1.6 s (at least half of each): at most 7 attempts in 3 s. Reset after every
        // login it would be ~30, each announced.
        Assert.InRange(connector.Attempts, 2, 7);
        Assert.Single(changes.OfType<MailboxChange.Disconnected>());
        Assert.Empty(changes.OfType<MailboxChange.Connected>());
    }
}
