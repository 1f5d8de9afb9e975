using System.Runtime.CompilerServices;
using System.Threading.Channels;
using MailKit.Net.Imap;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailGateway.Imap;

/// <summary>
/// The watcher: one dedicated connection per watched account, reconnected with the pure <see cref="WatchBackoff"/>.
/// It keeps the latest state it reported across reconnects, so a reconnect catches up from there.
/// </summary>
internal sealed class MailboxWatcher(
    IWatchConnector connector,
    IOptions<MailboxWatcherOptions> options,
    TimeProvider time,
    ILogger<MailboxWatcher> logger,
    Caching.ReadCache? cache = null) : IMailboxWatcher
{
    public async IAsyncEnumerable<MailboxChange> WatchAsync(
        ImapAccount account,
        IReadOnlyDictionary<string, MailboxState> knownState,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        var channel = Channel.CreateBounded<MailboxChange>(new BoundedChannelOptions(512) { SingleReader = true, SingleWriter = true });
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var state = new Dictionary<string, MailboxState>(knownState, StringComparer.Ordinal);
        var producer = Task.Run(() => RunAsync(account, state, channel.Writer, cts.Token), CancellationToken.None);
        try
        {
            await foreach (var change in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                yield return change;
        }
        finally
        {
            await cts.CancelAsync().ConfigureAwait(false);
            await producer.ConfigureAwait(false);
            WatchLog.Stopped(logger, account.Id);
        }
    }

    private async Task RunAsync(ImapAccount account, Dictionary<string, MailboxState> state, ChannelWriter<MailboxChange> output, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var backoff = new WatchBackoff(o.ReconnectMin, o.ReconnectMax);
        var failures = 0;
        var views = Caching.WatchedViews.For(cache, account);
        var up = true; // report the first failure, then one per outage
        var safeSummaries = false; // the last connection failed on an answer MailKit refused: list safely first once
        var refusals = new RefusedMessages(); // messages whose answer MailKit refused, across reconnects
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                ImapClient? client = null;
                WatchSession? session = null;
                TimeSpan retryIn;
                try
                {
                    client = await connector.ConnectAsync(account, cancellationToken).ConfigureAwait(false);
                    session = new WatchSession(client, account, o, state, output, time, logger, ct => connector.ConnectExtraAsync(account, ct), views)
                    {
                        SafeSummaries = safeSummaries,
                        Refusals = refusals,
                    };
                    await session.RunAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex) when (ex is ImapAuthenticationException or MailKit.Security.AuthenticationException)
                {
                    retryIn = o.AuthFailedRetry;
                    WatchLog.AuthFailed(logger, account.Id, retryIn);
                    await output.WriteAsync(new MailboxChange.AuthFailed("The IMAP server rejected the credentials."), cancellationToken).ConfigureAwait(false);
                    up = false;
                }
                catch (Exception ex) when (ex is not ChannelClosedException)
                {
                    // A watcher never dies: anything else (network, protocol, server BYE) is a reconnect. The backoff
                    // starts over only after a connection that synced: a login alone proves nothing (issue 16 item 3).
                    safeSummaries = Pooling.ImapErrors.IsUnparsable(ex);
                    if (session is { Synced: true })
                    {
                        failures = 0;
                        up = true;
                    }
                    retryIn = backoff.Delay(++failures, Random.Shared.NextDouble());
                    var reason = ex is ImapGatewayException ? ex.Message : ex.GetType().Name;
                    WatchLog.Disconnected(logger, account.Id, reason, retryIn, ex);
                    if (up)
                        await output.WriteAsync(new MailboxChange.Disconnected(reason, retryIn), cancellationToken).ConfigureAwait(false);
                    up = false;
                }
                finally
                {
                    views?.Feed.Reset();
                    client?.Dispose();
                }
                await Task.Delay(retryIn, time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            output.TryComplete();
        }
    }
}
