using MailGateway.Imap.Mime;
using MailKit;
using MimeKit;

namespace MailGateway.Imap.Session;

/// <summary>
/// An attachment of a message whose structure MailKit refused (issue 16 item 2): on the retry after the refused answer,
/// the part is found in the raw message parsed by MimeKit (at most <see cref="RawDetailLimit"/>, as for its detail,
/// which lists the same part ids) and written decoded from there.
/// </summary>
internal sealed partial class ImapSession
{
    private async Task<PartDownload> UnparsableAttachmentAsync(IMailFolder folder, MessageRef message, string partId, CancellationToken cancellationToken)
    {
        var uid = new UniqueId(message.UidValidity, message.Uid);
        var fetched = await folder.FetchAsync([uid], new FetchRequest(MessageSummaryItems.UniqueId | MessageSummaryItems.Size), cancellationToken).ConfigureAwait(false);
        if (fetched.Count == 0) throw new MessageNotFoundException();
        if (fetched[0].Size is not { } size || size > RawDetailLimit) throw new MessageNotFoundException("The attachment was not found.");
        var parsed = await folder.GetMessageAsync(uid, cancellationToken).ConfigureAwait(false);
        var entity = MimeParts.Leaves(parsed).Where(l => l.PartId == partId).Select(l => l.Entity).FirstOrDefault();
        if (entity is null)
        {
            parsed.Dispose();
            throw new MessageNotFoundException("The attachment was not found.");
        }
        var contentType = entity.ContentType.MimeType.ToLowerInvariant();
        if (entity.ContentType.Charset is { Length: > 0 } charset) contentType += "; charset=" + charset;
        return new PartDownload
        {
            ContentType = contentType,
            FileName = (entity as MimePart)?.FileName,
            Length = null,
            WriteToAsync = async (output, ct) =>
            {
                using (parsed)
                {
                    if (entity is MimePart { Content: { } content }) await content.DecodeToAsync(output, ct).ConfigureAwait(false);
                    else if (entity is MessagePart { Message: { } inner }) await inner.WriteToAsync(output, ct).ConfigureAwait(false);
                    await output.FlushAsync(ct).ConfigureAwait(false);
                }
            },
        };
    }
}
