using MailGateway.Imap.Mime;
using MailKit;
using MailKit.Net.Imap;
using MimeKit;

namespace MailGateway.Imap.Session;

/// <summary>
/// The detail of a message whose structure MailKit refused (issue 16 item 2): on the retry after the refused answer,
/// flags, dates, size and the whole header come from a FETCH without BODYSTRUCTURE, and text, HTML and the attachment
/// list from the raw message parsed by MimeKit when it is at most <see cref="RawDetailLimit"/> (else none). The detail
/// says <c>unparsable</c>; the raw download works as for any message.
/// </summary>
internal sealed partial class ImapSession
{
    /// <summary>Largest message parsed whole in memory for such a detail.</summary>
    internal const long RawDetailLimit = 4 * 1024 * 1024;

    private async Task<MessageDetail> UnparsableDetailAsync(ImapClient client, IMailFolder folder, MessageRef message, bool sanitizeHtml, CancellationToken cancellationToken)
    {
        var uid = new UniqueId(message.UidValidity, message.Uid);
        var request = new FetchRequest(SummaryFetch.SafeRequest(client.Capabilities).Items | MessageSummaryItems.Headers | MessageSummaryItems.References);
        var fetched = await folder.FetchAsync([uid], request, cancellationToken).ConfigureAwait(false);
        if (fetched.Count == 0) throw new MessageNotFoundException();
        var m = fetched[0];
        _pool.DetailFromRawMessage(_account.Id);

        string? text = null, html = null;
        IReadOnlyList<AttachmentInfo> attachments = [];
        if (m.Size is { } size && size <= RawDetailLimit)
        {
            using var parsed = await folder.GetMessageAsync(uid, cancellationToken).ConfigureAwait(false);
            text = MimeParts.FindBody(parsed, "plain")?.Text;
            html = MimeParts.FindBody(parsed, "html")?.Text;
            attachments = MimeParts.Attachments(parsed);
        }
        if (html is not null && sanitizeHtml) html = HtmlCleaner.Sanitize(html);
        var summary = SummaryMapper.ToSummary(m, message.Mailbox, folder.UidValidity, text) with
        {
            HasAttachments = attachments.Any(a => !a.Inline),
            Unparsable = true,
        };
        return new MessageDetail(
            summary,
            m.Headers?.Select(h => new KeyValuePair<string, string>(h.Field, h.Value)).ToList() ?? [],
            text,
            html,
            attachments,
            SummaryMapper.MessageId(m.Headers?[HeaderId.InReplyTo]),
            m.References?.Select(r => $"<{r}>").ToList() ?? []);
    }
}
