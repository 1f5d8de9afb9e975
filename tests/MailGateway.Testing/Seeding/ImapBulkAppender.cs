using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace MailGateway.Testing.Seeding;

/// <summary>
/// The seeding fast path: MULTIAPPEND with LITERAL+ over a raw TLS stream, several APPEND commands in flight.
/// Only for well-formed test data from <see cref="MessageFactory"/>; the gateway itself never does this.
/// </summary>
internal sealed class ImapBulkAppender : IAsyncDisposable
{
    private const int MaxInFlight = 4;
    private readonly TcpClient _tcp;
    private readonly SslStream _ssl;
    private readonly SemaphoreSlim _inFlight = new(MaxInFlight);
    private readonly Dictionary<string, TaskCompletionSource<string>> _pending = [];
    private readonly Task _reader;
    private int _tag;

    private ImapBulkAppender(TcpClient tcp, SslStream ssl)
    {
        _tcp = tcp;
        _ssl = ssl;
        _reader = Task.Run(ReadLoopAsync);
    }

    public static async Task<ImapBulkAppender> ConnectAsync(string host, int port, string caPath, string user, string password, CancellationToken ct)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(host, port, ct).ConfigureAwait(false);
        var ssl = new SslStream(tcp.GetStream(), false, TestCertificates.CreateValidator(caPath));
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }, ct).ConfigureAwait(false);
        var greeting = new byte[512];
        _ = await ssl.ReadAsync(greeting, ct).ConfigureAwait(false);
        var appender = new ImapBulkAppender(tcp, ssl);
        await appender.CommandAsync($"LOGIN {Quote(user)} {Quote(password)}", ct).ConfigureAwait(false);
        return appender;
    }

    /// <summary>Sends one command and waits for its tagged OK.</summary>
    public async Task<string> CommandAsync(string command, CancellationToken ct)
    {
        var (tag, done) = Register();
        await _ssl.WriteAsync(Encoding.UTF8.GetBytes($"{tag} {command}\r\n"), ct).ConfigureAwait(false);
        await _ssl.FlushAsync(ct).ConfigureAwait(false);
        return await done.Task.WaitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Queues one MULTIAPPEND; returns when it is sent (at most four unanswered), the task completes with its OK.</summary>
    public async Task<Task<string>> AppendAsync(string mailbox, IReadOnlyList<SeedMessage> batch, CancellationToken ct)
    {
        await _inFlight.WaitAsync(ct).ConfigureAwait(false);
        var (tag, done) = Register();
        using var buffer = new MemoryStream(batch.Sum(m => m.Data.Length + 80) + 64);
        Write(buffer, $"{tag} APPEND {Quote(mailbox)}");
        foreach (var message in batch)
        {
            var date = message.Date.ToString("dd-MMM-yyyy HH:mm:ss ", CultureInfo.InvariantCulture) + message.Date.ToString("zzz", CultureInfo.InvariantCulture).Replace(":", "", StringComparison.Ordinal);
            Write(buffer, $" {message.Flags} \"{date}\" {{{message.Data.Length}+}}\r\n");
            buffer.Write(message.Data);
        }
        Write(buffer, "\r\n");
        await _ssl.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), ct).ConfigureAwait(false);
        await _ssl.FlushAsync(ct).ConfigureAwait(false);
        return Release(done.Task);

        async Task<string> Release(Task<string> response)
        {
            try
            {
                return await response.ConfigureAwait(false);
            }
            finally
            {
                _inFlight.Release();
            }
        }
    }

    private (string Tag, TaskCompletionSource<string> Done) Register()
    {
        var tag = $"s{Interlocked.Increment(ref _tag)}";
        var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_pending)
            _pending[tag] = done;
        return (tag, done);
    }

    private async Task ReadLoopAsync()
    {
        Exception? failure = null;
        try
        {
            using var reader = new StreamReader(_ssl, Encoding.UTF8, false, 8192, leaveOpen: true);
            while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                var space = line.IndexOf(' ', StringComparison.Ordinal);
                if (space <= 0 || line[0] == '*' || line[0] == '+')
                    continue;
                TaskCompletionSource<string>? done;
                lock (_pending)
                    _pending.Remove(line[..space], out done);
                if (done is null)
                    continue;
                if (line.AsSpan(space + 1).StartsWith("OK", StringComparison.Ordinal))
                    done.TrySetResult(line);
                else
                    done.TrySetException(new InvalidOperationException($"IMAP seeding command failed: {line}"));
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            failure = e;
        }
        lock (_pending)
        {
            foreach (var done in _pending.Values)
                done.TrySetException(new IOException("The IMAP seeding connection closed.", failure));
            _pending.Clear();
        }
    }

    private static void Write(Stream stream, string text) => stream.Write(Encoding.UTF8.GetBytes(text));

    private static string Quote(string value) => $"\"{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await CommandAsync("LOGOUT", timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or InvalidOperationException)
        {
            // The connection is going away anyway.
        }
        _ssl.Dispose();
        _tcp.Dispose();
        await _reader.ConfigureAwait(false);
        _inFlight.Dispose();
    }
}
