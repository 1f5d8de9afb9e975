using MailGateway.Imap.Mime;
using MailKit;
using MimeKit;
using MimeKit.IO;
using MimeKit.IO.Filters;

namespace MailGateway.Imap.Session;

internal sealed partial class ImapSession
{
    /// <summary>Bytes per partial fetch (<c>BODY.PEEK[section]&lt;offset.length&gt;</c>); MailKit buffers one chunk at a time.</summary>
    internal const int ChunkSize = 256 * 1024;

    /// <remarks>Call <see cref="PartDownload.WriteToAsync"/> before disposing the session: it uses this lease.</remarks>
    public Task<PartDownload> OpenRawAsync(MessageRef message, CancellationToken cancellationToken = default) => RunAsync(async () =>
    {
        var folder = await SelectCheckedAsync(message.Mailbox, message.UidValidity, [message.Uid], FolderAccess.ReadOnly, cancellationToken).ConfigureAwait(false);
        var uid = new UniqueId(message.UidValidity, message.Uid);
        var fetched = await folder.FetchAsync([uid], new FetchRequest(MessageSummaryItems.UniqueId | MessageSummaryItems.Size), cancellationToken).ConfigureAwait(false);
        if (fetched.Count == 0) throw new MessageNotFoundException();
        return new PartDownload
        {
            ContentType = "message/rfc822",
            FileName = null,
            Length = fetched[0].Size,
            WriteToAsync = (output, ct) => CopyChunksAsync(message, null, null, output, ct),
        };
    });

    /// <remarks>Call <see cref="PartDownload.WriteToAsync"/> before disposing the session: it uses this lease.</remarks>
    public Task<PartDownload> OpenAttachmentAsync(MessageRef message, string partId, CancellationToken cancellationToken = default) => RunAsync(async () =>
    {
        if (partId is null || !BodyParts.IsValidPartId(partId)) throw new MessageNotFoundException("The attachment was not found.");
        var folder = await SelectCheckedAsync(message.Mailbox, message.UidValidity, [message.Uid], FolderAccess.ReadOnly, cancellationToken).ConfigureAwait(false);
        if (_safeSummaries) return await UnparsableAttachmentAsync(folder, message, partId, cancellationToken).ConfigureAwait(false);
        var uid = new UniqueId(message.UidValidity, message.Uid);
        var fetched = await folder.FetchAsync([uid], new FetchRequest(MessageSummaryItems.UniqueId | MessageSummaryItems.BodyStructure), cancellationToken).ConfigureAwait(false);
        if (fetched.Count == 0) throw new MessageNotFoundException();
        var part = fetched[0].Body is { } body ? BodyParts.Find(body, partId) : null;
        if (part is null) throw new MessageNotFoundException("The attachment was not found.");
        var contentType = part.ContentType.MimeType.ToLowerInvariant();
        if (part.ContentType.Charset is { Length: > 0 } charset) contentType += "; charset=" + charset;
        var encoding = part.ContentTransferEncoding;
        return new PartDownload
        {
            ContentType = contentType,
            FileName = part.FileName,
            Length = null,
            WriteToAsync = (output, ct) => CopyChunksAsync(message, partId, encoding, output, ct),
        };
    });

    /// <summary>Streams a section in <see cref="ChunkSize"/> partial fetches, decoding base64/QP/uuencode on the fly.</summary>
    private Task CopyChunksAsync(MessageRef message, string? section, string? transferEncoding, Stream output, CancellationToken cancellationToken) => RunAsync(async () =>
    {
        var folder = await SelectCheckedAsync(message.Mailbox, message.UidValidity, [message.Uid], FolderAccess.ReadOnly, cancellationToken).ConfigureAwait(false);
        var uid = new UniqueId(message.UidValidity, message.Uid);
        var target = output;
        FilteredStream? filtered = null;
        if (Decoder(transferEncoding) is { } decoder)
        {
            filtered = new FilteredStream(output);
            filtered.Add(decoder);
            target = filtered;
        }
        var offset = 0;
        while (true)
        {
            using var chunk = section is null
                ? await folder.GetStreamAsync(uid, offset, ChunkSize, cancellationToken).ConfigureAwait(false)
                : await folder.GetStreamAsync(uid, section, offset, ChunkSize, cancellationToken).ConfigureAwait(false);
            var length = (int)chunk.Length;
            Committing(); // bytes go to the caller from here: a later failure cannot be hidden by a retry
            await chunk.CopyToAsync(target, cancellationToken).ConfigureAwait(false);
            offset += length;
            if (length < ChunkSize) break;
        }
        // Flush (not dispose: that would close the caller's stream) to write what the decoder still holds.
        if (filtered is not null) await filtered.FlushAsync(cancellationToken).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    });

    private static IMimeFilter? Decoder(string? transferEncoding)
    {
        var encoding = transferEncoding?.Trim().ToLowerInvariant() switch
        {
            "base64" => ContentEncoding.Base64,
            "quoted-printable" => ContentEncoding.QuotedPrintable,
            "x-uuencode" or "uuencode" or "x-uue" => ContentEncoding.UUEncode,
            _ => ContentEncoding.Default,
        };
        return encoding == ContentEncoding.Default ? null : DecoderFilter.Create(encoding);
    }
}
