using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MailGateway.Imap.Tests.Watching;

/// <summary>A plain TCP relay to a real IMAP server that holds the first client command containing
/// <paramref name="hold"/> sent after one containing <paramref name="after"/>, runs <paramref name="meanwhile"/>, then
/// lets it through: a race between two commands of the watcher, made certain.</summary>
internal sealed class HoldingProxy(int targetPort, string after, string hold, Func<Task> meanwhile) : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _sockets = [];
    private Task? _accept;
    private int _armed;
    private int _fired;

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>True once the held command was let through after <c>meanwhile</c> ran.</summary>
    public bool Fired => Volatile.Read(ref _fired) == 1;

    public HoldingProxy Start()
    {
        _listener.Start();
        _accept = AcceptAsync(_stop.Token);
        return this;
    }

    private async Task AcceptAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            TcpClient inbound;
            try { inbound = await _listener.AcceptTcpClientAsync(ct); }
            catch (Exception) { return; }
            var outbound = new TcpClient();
            await outbound.ConnectAsync(IPAddress.Loopback, targetPort, ct);
            lock (_sockets) _sockets.AddRange([inbound, outbound]);
            _ = PumpAsync(outbound.GetStream(), inbound.GetStream(), watch: false, ct);
            _ = PumpAsync(inbound.GetStream(), outbound.GetStream(), watch: true, ct);
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool watch, CancellationToken ct)
    {
        var buffer = new byte[16384];
        try
        {
            int n;
            while ((n = await from.ReadAsync(buffer, ct)) > 0)
            {
                if (watch && Volatile.Read(ref _fired) == 0)
                {
                    var text = Encoding.ASCII.GetString(buffer, 0, n);
                    if (text.Contains(hold, StringComparison.OrdinalIgnoreCase) && Volatile.Read(ref _armed) == 1 &&
                        Interlocked.Exchange(ref _fired, 2) == 0)
                    {
                        await meanwhile();
                        Volatile.Write(ref _fired, 1);
                    }
                    else if (text.Contains(after, StringComparison.OrdinalIgnoreCase)) Volatile.Write(ref _armed, 1);
                }
                await to.WriteAsync(buffer.AsMemory(0, n), ct);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or SocketException)
        {
            // The connection ended (either side closed, or the proxy stops): nothing to relay any more.
        }
        try { to.Socket.Shutdown(SocketShutdown.Send); }
        catch (Exception ex) when (ex is ObjectDisposedException or SocketException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_sockets) foreach (var s in _sockets) s.Dispose();
        if (_accept is not null) await _accept;
        _stop.Dispose();
    }
}
