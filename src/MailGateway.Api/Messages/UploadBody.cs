using MailGateway.Api.Shared;
namespace MailGateway.Api.Messages;

/// <summary>
/// Reads an upload with a size limit. A raw message is spooled (memory up to 256 KB, then a temp file
/// deleted on close) before IMAP sees a byte: the limit is enforced completely first, so a refused or
/// broken upload never leaves an APPEND half-sent on a pooled connection, and memory stays bounded.
/// </summary>
internal static class UploadBody
{
    private const int MemoryThreshold = 256 * 1024;

    /// <exception cref="MailApiException">payload_too_large (413).</exception>
    public static void CheckDeclaredLength(HttpContext context, long limit)
    {
        if (context.Request.ContentLength > limit) throw MailApiException.PayloadTooLarge(limit);
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            feature.MaxRequestBodySize = limit;
    }

    /// <summary>The request body as a seekable stream positioned at 0; dispose it when done.</summary>
    public static async Task<Stream> SpoolAsync(Stream body, long limit, CancellationToken cancellationToken)
    {
        Stream spool = new MemoryStream();
        try
        {
            var buffer = new byte[81920];
            long total = 0;
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                total += read;
                if (total > limit) throw MailApiException.PayloadTooLarge(limit);
                if (spool is MemoryStream memory && total > MemoryThreshold)
                {
                    var file = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None,
                        81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
                    memory.Position = 0;
                    await memory.CopyToAsync(file, cancellationToken);
                    spool = file;
                }
                await spool.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
            spool.Position = 0;
            return spool;
        }
        catch
        {
            await spool.DisposeAsync();
            throw;
        }
    }

    /// <summary>A read-only view of <paramref name="inner"/> that throws 413 once more than <paramref name="limit"/> bytes were read.</summary>
    public static Stream Limit(Stream inner, long limit) => new LimitedReadStream(inner, limit);

    private sealed class LimitedReadStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Count(int read)
        {
            _read += read;
            return _read > limit ? throw MailApiException.PayloadTooLarge(limit) : read;
        }
    }
}
