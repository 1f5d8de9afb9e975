using MailGateway.Imap.Pooling;
using MailKit;
using MailKit.Net.Imap;

namespace MailGateway.Imap;

/// <summary>
/// Without NOTIFY the watch IDLEs on INBOX and sweeps the rest every <c>Events:PollInterval</c>. For the folders in
/// <c>Events:IdleFolders</c> (default Sent; a path or a special-use name) one extra connection each IDLEs on that
/// folder and wakes the watch at once, at most <see cref="MaxIdleFolders"/>. Each extra connection holds a permit of
/// the account's connection budget and closes when a request waits for it (<see cref="ExtraWatchConnection"/>); a
/// failing or yielding extra connection only ends itself: the sweep still covers its folder.
/// </summary>
internal sealed partial class WatchSession
{
    /// <summary>Extra connections per watched account, on top of the watch's own one.</summary>
    public const int MaxIdleFolders = 2;

    private readonly List<Task> _idlers = [];

    private async Task StartIdleFoldersAsync(Func<CancellationToken, Task<ExtraWatchConnection?>>? connect, CancellationToken cancellationToken)
    {
        if (_notify || connect is null || !client.Capabilities.HasFlag(ImapCapabilities.Idle)) return;
        var names = options.IdleFolders.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var paths = names.Select(ResolveFolder).OfType<string>().Where(p => p != client.Inbox.FullName).Distinct(StringComparer.Ordinal).Take(MaxIdleFolders);
        foreach (var path in paths)
        {
            ExtraWatchConnection? extra;
            try
            {
                extra = await connect(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                WatchLog.IdleFolderFailed(logger, account.Id, path, ex);
                continue;
            }
            if (extra is null)
            {
                WatchLog.IdleFolderYielded(logger, account.Id, path);
                continue;
            }
            _idlers.Add(Task.Run(() => IdleOnAsync(extra, path, cancellationToken), CancellationToken.None));
        }
    }

    /// <summary>A configured name as a listed path: the path itself, else the folder with that special use.</summary>
    private string? ResolveFolder(string name)
    {
        if (_folders.Keys.FirstOrDefault(p => string.Equals(p, name, StringComparison.OrdinalIgnoreCase)) is { } path) return path;
        return Enum.TryParse<FolderAttributes>(name, ignoreCase: true, out var use) && use != FolderAttributes.None
            ? _folders.Values.FirstOrDefault(f => f.Attributes.HasFlag(use))?.FullName
            : null;
    }

    private async Task IdleOnAsync(ExtraWatchConnection connection, string path, CancellationToken stopping)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, connection.Wanted);
        var cancellationToken = linked.Token;
        var extra = connection.Client;
        try
        {
            var folder = await extra.GetFolderAsync(path, cancellationToken).ConfigureAwait(false);
            await folder.OpenAsync(FolderAccess.ReadOnly, cancellationToken).ConfigureAwait(false);
            void Changed() => Post(new Signal(SignalKind.Changed, path, null, System.Diagnostics.Stopwatch.GetTimestamp()));
            folder.CountChanged += (_, _) => Changed();
            folder.MessageFlagsChanged += (_, _) => Changed();
            folder.MessageExpunged += (_, _) => Changed();
            folder.MessagesVanished += (_, _) => Changed();
            while (!cancellationToken.IsCancellationRequested)
            {
                using var done = new CancellationTokenSource(options.IdleRestart, time);
                using var stop = cancellationToken.Register(done.Cancel);
                using var waiting = StreamTimeouts.SuspendReadTimeout(extra); // IDLE waits for the server on purpose
                await extra.IdleAsync(done.Token, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            if (!stopping.IsCancellationRequested) WatchLog.IdleFolderYielded(logger, account.Id, path);
        }
        catch (Exception ex)
        {
            WatchLog.IdleFolderFailed(logger, account.Id, path, ex);
        }
        finally
        {
            await connection.DisposeAsync().ConfigureAwait(false); // the connection and its budget permit
        }
    }

    private async Task StopIdleFoldersAsync()
    {
        foreach (var loop in _idlers) await loop.ConfigureAwait(false); // each closes its own connection
        _idlers.Clear();
    }
}
