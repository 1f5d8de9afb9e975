using System.Security.Cryptography;
using MailGateway.Imap.Tests.Infrastructure;
using MailKit;

namespace MailGateway.Imap.Tests.Integration;

public sealed class StreamingTests(ImapEnvironment fixture)
{
    private const string User = "user62";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Raw_messages_and_decoded_attachments_stream_byte_for_byte()
    {
        var content = TestMessages.RandomBytes(700_000, seed: 7);
        var uid = await fixture.Env.AppendAsync(User, "INBOX", TestMessages.WithAttachment("stream me", content, "blob.bin"), Ct);
        await using var harness = new PoolHarness(fixture.Env);
        await using var session = await harness.RentAsync(User);
        var state = await session.GetStateAsync("INBOX", Ct);
        var reference = new MessageRef("INBOX", state.UidValidity, uid);

        var raw = await session.OpenRawAsync(reference, Ct);
        using var rawBytes = new MemoryStream();
        await raw.WriteToAsync(rawBytes, Ct);
        using (var check = await fixture.Env.ConnectAsync(User, Ct))
        {
            await check.Inbox.OpenAsync(FolderAccess.ReadOnly, Ct);
            using var expected = await check.Inbox.GetStreamAsync(new UniqueId(uid), Ct);
            using var copy = new MemoryStream();
            await expected.CopyToAsync(copy, Ct);
            Assert.Equal(copy.ToArray(), rawBytes.ToArray());
            Assert.Equal(copy.Length, raw.Length);
        }
        Assert.Equal("message/rfc822", raw.ContentType);

        var detail = await session.GetMessageAsync(reference, true, Ct);
        var part = Assert.Single(detail.Attachments);
        var download = await session.OpenAttachmentAsync(reference, part.PartId, Ct);
        using var decoded = new MemoryStream();
        await download.WriteToAsync(decoded, Ct);
        Assert.Equal(content, decoded.ToArray());
        Assert.Equal("application/octet-stream", download.ContentType);
        Assert.Equal("blob.bin", download.FileName);

        await Assert.ThrowsAsync<MessageNotFoundException>(() => session.OpenAttachmentAsync(reference, "9", Ct));
        await Assert.ThrowsAsync<MessageNotFoundException>(() => session.OpenAttachmentAsync(reference, "1]<0.5> BODY[", Ct));
    }

    [Fact]
    public async Task A_20_MB_attachment_streams_in_bounded_memory()
    {
        const int size = 20 * 1024 * 1024;
        var content = TestMessages.RandomBytes(size, seed: 11);
        var expectedHash = SHA256.HashData(content);
        var uid = await fixture.Env.AppendAsync(User, "Archive", TestMessages.WithAttachment("big", content, "big.bin"), Ct);
        content = null;
        await using var harness = new PoolHarness(fixture.Env);
        await using var session = await harness.RentAsync(User);
        var state = await session.GetStateAsync("Archive", Ct);
        var reference = new MessageRef("Archive", state.UidValidity, uid);
        var partId = Assert.Single((await session.GetMessageAsync(reference, true, Ct)).Attachments).PartId;
        var download = await session.OpenAttachmentAsync(reference, partId, Ct);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var baseline = GC.GetTotalMemory(true);
        using var sink = new HashingSink();
        await download.WriteToAsync(sink, Ct);
        Assert.Equal(size, sink.Length);
        Assert.Equal(expectedHash, sink.Hash());
        // Whole-section buffering would hold ≥ 27 MB (base64) at once; partial fetches keep a few chunks alive.
        Assert.True(sink.PeakHeapGrowth(baseline) < 8 * 1024 * 1024, $"heap grew by {sink.PeakHeapGrowth(baseline) / 1024 / 1024} MB");
    }

    /// <summary>Hashes what is written and samples the managed heap while the download runs.</summary>
    private sealed class HashingSink : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _peak;
        private long _length;

        public long PeakHeapGrowth(long baseline) => Math.Max(0, _peak - baseline);
        public byte[] Hash() => _hash.GetHashAndReset();
        public override void Write(byte[] buffer, int offset, int count)
        {
            _hash.AppendData(buffer, offset, count);
            // Live (not merely allocated) heap, sampled every MiB: a forced collection drops garbage first.
            if (_length / (1024 * 1024) != (_length + count) / (1024 * 1024)) _peak = Math.Max(_peak, GC.GetTotalMemory(true));
            _length += count;
        }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        protected override void Dispose(bool disposing)
        {
            if (disposing) _hash.Dispose();
            base.Dispose(disposing);
        }
    }
}
