using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MailGateway.Testing;

namespace MailGateway.Bench;

/// <summary>
/// A bare IMAP client for the bench only (fixed commands, no user input): what MailKit cannot do, several commands in
/// flight on one connection. A plain socket (no TCP_QUICKACK), the server's certificate checked against the
/// environment's CA. Reads responses line by line, skipping literals.
/// </summary>
internal sealed class RawImap : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly SslStream _ssl;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private int _tag;

    private RawImap(Socket socket, SslStream ssl)
    {
        _socket = socket;
        _ssl = ssl;
    }

    public static async Task<RawImap> OpenAsync(MailEnvironment env, string user, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, env.ImapsPort, cancellationToken);
        using var ca = X509CertificateLoader.LoadCertificateFromFile(env.CaCertificatePath);
        var ssl = new SslStream(new NetworkStream(socket, ownsSocket: false), false, (_, certificate, _, errors) =>
        {
            if (errors == SslPolicyErrors.None) return true;
            if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0) return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(new X509Certificate2(certificate));
        });
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }, cancellationToken);
        var raw = new RawImap(socket, ssl);
        await raw.ReadLineAsync(cancellationToken); // greeting
        var password = MailEnvironment.PasswordOf(user).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
        await raw.RunAsync([$"LOGIN {user} \"{password}\"", "SELECT INBOX"], cancellationToken);
        return raw;
    }

    /// <summary>Sends <paramref name="commands"/> in one write (all in flight at once) and returns when each has
    /// answered: the time from the write to the first command's tagged answer.</summary>
    public async Task<TimeSpan> RunAsync(IReadOnlyList<string> commands, CancellationToken cancellationToken)
    {
        var tags = commands.Select(_ => $"r{++_tag}").ToList();
        var text = string.Concat(commands.Select((c, i) => $"{tags[i]} {c}\r\n"));
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await _ssl.WriteAsync(Encoding.ASCII.GetBytes(text), cancellationToken);
        TimeSpan? first = null;
        for (var done = 0; done < tags.Count;)
        {
            var line = await ReadLineAsync(cancellationToken);
            if (!line.StartsWith(tags[done] + " ", StringComparison.Ordinal)) continue;
            if (!line.StartsWith(tags[done] + " OK", StringComparison.Ordinal)) throw new InvalidOperationException("IMAP answered: " + line);
            first ??= System.Diagnostics.Stopwatch.GetElapsedTime(started);
            done++;
        }
        return first!.Value;
    }

    /// <summary>Sends <paramref name="command"/>, and a NOOP as soon as its answer starts (a second command in flight while
    /// the first is answered); returns the time to the first command's tagged answer.</summary>
    public async Task<TimeSpan> RunNudgedAsync(string command, CancellationToken cancellationToken)
    {
        var tag = $"r{++_tag}";
        var noop = $"r{++_tag}";
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await _ssl.WriteAsync(Encoding.ASCII.GetBytes($"{tag} {command}\r\n"), cancellationToken);
        var nudged = false;
        TimeSpan? first = null;
        while (true)
        {
            var line = await ReadLineAsync(cancellationToken);
            if (!nudged)
            {
                nudged = true;
                await _ssl.WriteAsync(Encoding.ASCII.GetBytes($"{noop} NOOP\r\n"), cancellationToken);
            }
            if (line.StartsWith(tag + " ", StringComparison.Ordinal)) first = System.Diagnostics.Stopwatch.GetElapsedTime(started);
            if (line.StartsWith(noop + " ", StringComparison.Ordinal)) return first!.Value;
        }
    }

    /// <summary>Downloads <paramref name="size"/> bytes of message <paramref name="uid"/> in partial fetches of
    /// <paramref name="chunk"/> bytes with <paramref name="inFlight"/> of them sent ahead; returns the time taken.</summary>
    public async Task<TimeSpan> DownloadAsync(uint uid, long size, int chunk, int inFlight, CancellationToken cancellationToken)
    {
        var chunks = (int)((size + chunk - 1) / chunk);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var sent = 0;
        var tags = new Queue<string>();
        async Task SendAsync()
        {
            var tag = $"r{++_tag}";
            tags.Enqueue(tag);
            await _ssl.WriteAsync(Encoding.ASCII.GetBytes($"{tag} UID FETCH {uid} BODY.PEEK[]<{(long)sent * chunk}.{chunk}>\r\n"), cancellationToken);
            sent++;
        }
        while (sent < Math.Min(inFlight, chunks)) await SendAsync();
        while (tags.Count > 0)
        {
            var line = await ReadLineAsync(cancellationToken);
            if (!line.StartsWith(tags.Peek() + " ", StringComparison.Ordinal)) continue;
            tags.Dequeue();
            if (sent < chunks) await SendAsync();
        }
        return System.Diagnostics.Stopwatch.GetElapsedTime(started);
    }

    /// <summary>One response line; a literal (<c>{n}</c> at the end) is read past and the line goes on after it.</summary>
    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline < 0)
            {
                line.Append(Encoding.Latin1.GetString(_buffer, _start, _end - _start));
                _start = _end = 0;
                if ((_end = await _ssl.ReadAsync(_buffer, cancellationToken)) == 0) throw new IOException("connection closed");
                continue;
            }
            line.Append(Encoding.Latin1.GetString(_buffer, _start, newline + 1 - _start));
            _start = newline + 1;
            var text = line.ToString().TrimEnd('\r', '\n');
            var open = text.LastIndexOf('{');
            if (!text.EndsWith('}') || open < 0 || !long.TryParse(text[(open + 1)..^1], out var literal)) return text;
            await SkipAsync(literal, cancellationToken);
        }
    }

    private async Task SkipAsync(long count, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            if (_start == _end)
            {
                _start = 0;
                if ((_end = await _ssl.ReadAsync(_buffer, cancellationToken)) == 0) throw new IOException("connection closed");
            }
            var take = (int)Math.Min(count, _end - _start);
            _start += take;
            count -= take;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _ssl.DisposeAsync();
        _socket.Dispose();
    }
}
