using System.Net.Sockets;

namespace MailGateway.Imap.Pooling;

/// <summary>
/// The connection's stream for MailKit with TCP_QUICKACK set after every read (Linux). Servers that write large
/// answers in pieces without TCP_NODELAY (Cyrus: 4 KiB writes) hold the last piece under Nagle until our delayed ACK
/// (~40 ms on loopback); acknowledging at once removes that stall. Elsewhere it is a plain <see cref="NetworkStream"/>.
/// </summary>
internal sealed class QuickAckStream(Socket socket) : Stream
{
    private const int IpProtoTcp = 6;
    private const int TcpQuickAck = 12;
    private static readonly byte[] On = BitConverter.GetBytes(1);
    private readonly NetworkStream _inner = new(socket, ownsSocket: true);
    private bool _unsupported = !OperatingSystem.IsLinux();

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override bool CanTimeout => _inner.CanTimeout;
    public override int ReadTimeout { get => _inner.ReadTimeout; set => _inner.ReadTimeout = value; }
    public override int WriteTimeout { get => _inner.WriteTimeout; set => _inner.WriteTimeout = value; }

    public override int Read(byte[] buffer, int offset, int count) => Acked(_inner.Read(buffer, offset, count));

    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Acked(await _inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken).ConfigureAwait(false));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Acked(await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    public override void Write(byte[] buffer, int offset, int count) => _inner.Write(buffer, offset, count);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        _inner.WriteAsync(buffer, cancellationToken);

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
