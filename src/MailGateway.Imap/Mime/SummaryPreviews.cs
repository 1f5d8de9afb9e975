using System.Net;
using System.Text.RegularExpressions;
using MailKit;
using MailKit.Net.Imap;
using MimeKit;
using MimeKit.Utils;

namespace MailGateway.Imap.Mime;

/// <summary>
/// Previews for messages the server gave none (no PREVIEW, or Cyrus's <c>PREVIEW NIL</c>): the first bytes of the
/// first text part (plain, else HTML without tags), one bounded partial fetch per message, decoded with MimeKit.
/// </summary>
internal static partial class SummaryPreviews
{
    /// <summary>Bytes fetched per message: enough for 200 characters of any charset, below the 4 KiB write size of Cyrus.</summary>
    public const int FetchBytes = 3072;

    public static async Task<IReadOnlyDictionary<uint, string>> ComputeAsync(ImapClient client, IMailFolder folder, IEnumerable<IMessageSummary> items, CancellationToken cancellationToken)
    {
        var result = new Dictionary<uint, string>();
        foreach (var item in items)
        {
            if (!string.IsNullOrEmpty(item.PreviewText) || item.Body is null) continue;
            var part = (BodyPartBasic?)BodyParts.FindBody(item.Body, "plain") ?? BodyParts.FindBody(item.Body, "html");
            if (part is not BodyPartText text || text.Octets == 0) continue;
            // PREVIEW advertised but NIL (Cyrus 3.6): from now on MailKit's own bounded, batched fallback makes it.
            if (client.Capabilities.HasFlag(ImapCapabilities.Preview)) client.Capabilities &= ~ImapCapabilities.Preview;
            var section = string.IsNullOrEmpty(text.PartSpecifier) ? "TEXT" : text.PartSpecifier;
            using var raw = new MemoryStream();
            using (var stream = await folder.GetStreamAsync(item.UniqueId, section, 0, FetchBytes, cancellationToken).ConfigureAwait(false))
                await stream.CopyToAsync(raw, cancellationToken).ConfigureAwait(false);
            raw.Position = 0;
            if (SummaryMapper.NormalizePreview(Decode(text, raw)) is { } preview)
                result[item.UniqueId.Id] = preview;
        }
        return result;
    }

    private static string Decode(BodyPartText part, MemoryStream raw)
    {
        var encoding = MimeUtils.TryParse(part.ContentTransferEncoding, out ContentEncoding parsed) ? parsed : ContentEncoding.Default;
        using var textPart = new TextPart(part.ContentType.MediaSubtype) { Content = new MimeContent(raw, encoding) };
        if (part.ContentType.Charset is { } charset) textPart.ContentType.Charset = charset;
        var text = textPart.Text;
        return part.IsHtml ? WebUtility.HtmlDecode(Tags().Replace(Hidden().Replace(text, " "), " ")) : text;
    }

    [GeneratedRegex(@"<(style|script|head)\b.*?(</\1\s*>|$)", RegexOptions.IgnoreCase | RegexOptions.Singleline, 1000)]
    private static partial Regex Hidden();

    [GeneratedRegex(@"<[^>]*(>|$)", RegexOptions.None, 1000)]
    private static partial Regex Tags();
}
