using System.Net.Sockets;

namespace MailGateway.Imap.Pooling;

/// <summary>
/// The connection's stream for MailKit with TCP_QUICKACK set after every read (Linux). Servers that write large
/// answers in pieces without TCP_NODELAY (Cyrus: 4 KiB writes) hold the last piece under Nagle until our delayed ACK
/// (~40 ms on loopback); acknowledging at once removes that stall. Elsewhere it is a plain <see cref="NetworkStream"/>.
/// <see cref="NetworkStream"/> applies ReadTimeout/WriteTimeout to synchronous calls only, and MailKit reads
/// asynchronously: this stream applies them to async calls too (a <see cref="TimeoutException"/>), so a frozen server
/// (SIGSTOP, a dead NAT path) fails a command within <c>Imap:CommandTimeout</c> instead of hanging the request.
/// IDLE waits for the server on purpose: the watcher suspends the read timeout meanwhile (<see cref="StreamTimeouts"/>).
/// </summary>
internal sealed class QuickAckStream(Socket socket) : Stream
{
    private const int IpProtoTcp = 6;
    private const int TcpQuickAck = 12;
    private static readonly byte[] On = BitConverter.GetBytes(1);
    private readonly NetworkStream _inner = new(socket, ownsSocket: true);
    private bool _unsupported = !OperatingSystem.IsLinux();
    private volatile bool _readTimeoutSuspended;

    /// <summary>While true, async reads wait without the read timeout (IDLE).</summary>
    internal bool ReadTimeoutSuspended { get => _readTimeoutSuspended; set => _readTimeoutSuspended = value; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override bool CanTimeout => _inner.CanTimeout;
    public override int ReadTimeout { get => _inner.ReadTimeout; set => _inner.ReadTimeout = value; }
    public override int WriteTimeout { get => _inner.WriteTimeout; set => _inner.WriteTimeout = value; }

    public override int Read(byte[] buffer, int offset, int count) => Acked(_inner.Read(buffer, offset, count));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_inner.ReadTimeout is Timeout.Infinite or <= 0 || _readTimeoutSuspended)
            return Acked(await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_inner.ReadTimeout);
        try
        {
            return Acked(await _inner.ReadAsync(buffer, timeout.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The IMAP server sent nothing for {_inner.ReadTimeout} ms.");
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => _inner.Write(buffer, offset, count);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_inner.WriteTimeout is Timeout.Infinite or <= 0)
        {
            await _inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            return;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_inner.WriteTimeout);
        try
        {
            await _inner.WriteAsync(buffer, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The IMAP server took nothing for {_inner.WriteTimeout} ms.");
        }
    }

    public override void Flush() => _inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _inner.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>Linux clears TCP_QUICKACK again on its own, so it is set after each read that returned data.</summary>
    private int Acked(int read)
    {
        if (read > 0 && !_unsupported)
        {
            try
            {
                socket.SetRawSocketOption(IpProtoTcp, TcpQuickAck, On);
            }
            catch (SocketException)
            {
                _unsupported = true;
            }
            catch (ObjectDisposedException)
            {
            }
        }
        return read;
    }
}
