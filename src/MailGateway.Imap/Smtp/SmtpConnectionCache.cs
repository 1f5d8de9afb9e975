using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MailGateway.Imap.Smtp;

/// <summary>At most one idle authenticated connection per account (keyed by the whole <see cref="SmtpAccount"/>, so new
/// settings or credentials never reuse an old login), bounded by <see cref="SmtpOptions.MaxIdleConnections"/>; a connection
/// idle for <see cref="SmtpOptions.IdleTimeout"/> QUITs. A taken connection belongs to its caller alone (MailKit's client
/// is not re-entrant).</summary>
internal sealed class SmtpConnectionCache(IOptions<SmtpOptions> options, TimeProvider time, ILogger<SmtpConnectionCache> logger) : IAsyncDisposable
{
    private readonly Dictionary<SmtpAccount, Idle> _idle = [];
    private readonly Lock _lock = new();
    private bool _disposed;

    private sealed record Idle(RecordingSmtpClient Client, ITimer Timer, long Since);

    public RecordingSmtpClient? TryTake(SmtpAccount account)
    {
        Idle? idle;
        lock (_lock)
        {
            if (!_idle.Remove(account, out idle))
                return null;
        }
        idle.Timer.Dispose();
        if (idle.Client.IsConnected)
            return idle.Client;
        idle.Client.Dispose();
        return null;
    }

    /// <summary>Keeps <paramref name="client"/> for the account's next message, or closes it (QUIT) when reuse is off, it has
    /// sent its share, another one is already idle for the account, or the cache is being disposed.</summary>
    public void Return(SmtpAccount account, RecordingSmtpClient client)
    {
        var settings = options.Value;
        RecordingSmtpClient? close = null;
        lock (_lock)
        {
            if (_disposed || settings.IdleTimeout <= TimeSpan.Zero || client.Sent >= settings.MaxMessagesPerConnection
                || !client.IsConnected || _idle.ContainsKey(account))
            {
                close = client;
            }
            else
            {
                if (_idle.Count >= settings.MaxIdleConnections && _idle.MinBy(i => i.Value.Since) is { Key: { } oldest })
                {
                    _idle.Remove(oldest, out var evicted);
                    evicted!.Timer.Dispose();
                    Close(evicted.Client);
                }
                var timer = time.CreateTimer(_ => Expire(account, client), null, settings.IdleTimeout, Timeout.InfiniteTimeSpan);
                _idle[account] = new Idle(client, timer, time.GetTimestamp());
            }
        }
        if (close is not null)
            Close(close);
    }

    private void Expire(SmtpAccount account, RecordingSmtpClient client)
    {
        lock (_lock)
        {
            if (!_idle.TryGetValue(account, out var idle) || !ReferenceEquals(idle.Client, client))
                return;
            _idle.Remove(account);
            idle.Timer.Dispose();
        }
        SmtpLog.IdleClosed(logger, account.Id, client.Sent);
        Close(client);
    }

    /// <summary>QUIT in the background: the work is done, a lost QUIT changes nothing.</summary>
    private static void Close(RecordingSmtpClient client) => _ = SmtpSender.QuitAsync(client).ContinueWith(
        static (_, c) => ((RecordingSmtpClient)c!).Dispose(), client, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);

    public async ValueTask DisposeAsync()
    {
        List<Idle> all;
        lock (_lock)
        {
            _disposed = true;
            all = [.. _idle.Values];
            _idle.Clear();
        }
        foreach (var idle in all)
        {
            await idle.Timer.DisposeAsync().ConfigureAwait(false);
            await SmtpSender.QuitAsync(idle.Client).ConfigureAwait(false);
            idle.Client.Dispose();
        }
    }
}
