using MailGateway.Imap.Mime;
using MailKit;
using MimeKit;

namespace MailGateway.Imap.Session;

internal sealed partial class ImapSession
{
    /// <summary>Text bodies larger than this are not inlined into <see cref="MessageDetail"/> (download them as parts).</summary>
    private const uint MaxInlineTextOctets = 8 * 1024 * 1024;

    public Task<MessageDetail> GetMessageAsync(MessageRef message, bool sanitizeHtml = true, CancellationToken cancellationToken = default) => RunAsync(async () =>
    {
        if (await CachedMessageAsync(message, sanitizeHtml, cancellationToken).ConfigureAwait(false) is { } cached) return cached;
        var client = await ClientAsync(message.Mailbox, cancellationToken).ConfigureAwait(false);
        var folder = await SelectCheckedAsync(message.Mailbox, message.UidValidity, [message.Uid], FolderAccess.ReadOnly, cancellationToken).ConfigureAwait(false);
        if (_safeSummaries)
            return RememberBody(message, sanitizeHtml, await UnparsableDetailAsync(client, folder, message, sanitizeHtml, cancellationToken).ConfigureAwait(false));
        var request = SummaryFetch.DetailRequest(client.Capabilities);
        var uid = new UniqueId(message.UidValidity, message.Uid);
        var fetched = await folder.FetchAsync([uid], request, cancellationToken).ConfigureAwait(false);
        if (fetched.Count == 0) throw new MessageNotFoundException();
        var m = fetched[0];

        // Only the displayed text parts are downloaded; attachments stay on the server until asked for.
        string? text = null, html = null;
        if (m.Body is not null)
        {
            if (BodyParts.FindBody(m.Body, "plain") is { Octets: <= MaxInlineTextOctets } plain)
                text = await PartTextAsync(folder, uid, plain, cancellationToken).ConfigureAwait(false);
            if (BodyParts.FindBody(m.Body, "html") is { Octets: <= MaxInlineTextOctets } htmlPart)
                html = await PartTextAsync(folder, uid, htmlPart, cancellationToken).ConfigureAwait(false);
        }
        if (html is not null && sanitizeHtml) html = HtmlCleaner.Sanitize(html);
        var previews = await SummaryPreviews.ComputeAsync(client, folder, fetched, cancellationToken).ConfigureAwait(false);

        var headers = m.Headers?.Select(h => new KeyValuePair<string, string>(h.Field, h.Value)).ToList() ?? [];
        var references = m.References?.Select(r => $"<{r}>").ToList() ?? [];
        return RememberBody(message, sanitizeHtml, new MessageDetail(
            SummaryMapper.ToSummary(m, message.Mailbox, folder.UidValidity, previews.GetValueOrDefault(m.UniqueId.Id)),
            headers,
            text,
            html,
            m.Body is null ? [] : BodyParts.Attachments(m.Body),
            SummaryMapper.MessageId(m.Headers?[HeaderId.InReplyTo]),
            references));
    });

    private static async Task<string?> PartTextAsync(IMailFolder folder, UniqueId uid, BodyPartText part, CancellationToken cancellationToken)
    {
        var entity = await folder.GetBodyPartAsync(uid, part, cancellationToken).ConfigureAwait(false);
        return entity is TextPart textPart ? textPart.Text : null;
    }
}
