using MailKit;
using MimeKit;
using MimeKit.Utils;

namespace MailGateway.Imap.Mime;

/// <summary>
/// The one mapping from a fetched MailKit summary to <see cref="MessageSummary"/>, used by lists, reads and the
/// watcher's <c>message.created</c>. Subject, addresses, date and Message-ID come from the fetched header fields
/// (<see cref="SummaryFetch"/>), parsed by MimeKit: no ENVELOPE, whose long strings arrive as literals MailKit refuses.
/// </summary>
internal static class SummaryMapper
{
    /// <summary>Previews are whitespace-normalised and cut to this many characters (PREVIEW's own limit).</summary>
    public const int PreviewLength = 200;

    public static MessageSummary ToSummary(IMessageSummary m, string mailbox, uint uidValidity, string? preview = null)
    {
        var headers = m.Headers;
        return new MessageSummary(
            mailbox,
            uidValidity,
            m.UniqueId.Id,
            MessageId(headers?[HeaderId.MessageId]),
            Text(headers, HeaderId.Subject),
            Addresses(headers, HeaderId.From),
            Addresses(headers, HeaderId.To),
            Addresses(headers, HeaderId.Cc),
            Date(headers),
            m.InternalDate,
            (long)(m.Size ?? 0),
            Flags(m.Flags, m.Keywords),
            m.Body is not null && BodyParts.HasAttachments(m.Body),
            NormalizePreview(string.IsNullOrEmpty(m.PreviewText) ? preview : m.PreviewText),
            m.ModSeq ?? 0,
            Unparsable: headers is null);
    }

    /// <summary>System flags in a fixed order, then keywords in ordinal order (no duplicates).</summary>
    public static IReadOnlyList<string> Flags(MessageFlags? flags, IEnumerable<string>? keywords)
    {
        var result = new List<string>(6);
        var f = flags ?? MessageFlags.None;
        if (f.HasFlag(MessageFlags.Seen)) result.Add(@"\Seen");
        if (f.HasFlag(MessageFlags.Answered)) result.Add(@"\Answered");
        if (f.HasFlag(MessageFlags.Flagged)) result.Add(@"\Flagged");
        if (f.HasFlag(MessageFlags.Draft)) result.Add(@"\Draft");
        if (f.HasFlag(MessageFlags.Deleted)) result.Add(@"\Deleted");
        if (keywords is not null)
            result.AddRange(keywords.Where(k => !result.Contains(k, StringComparer.OrdinalIgnoreCase)).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal));
        return result;
    }

    /// <summary>Whitespace collapsed to single spaces, at most <see cref="PreviewLength"/> characters; null when empty.</summary>
    public static string? NormalizePreview(string? preview)
    {
        if (string.IsNullOrWhiteSpace(preview)) return null;
        var text = string.Join(' ', preview.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return text.Length <= PreviewLength ? text : text[..PreviewLength];
    }

    /// <summary>A Message-ID (or In-Reply-To) header value as <c>&lt;id&gt;</c>.</summary>
    public static string? MessageId(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var id = MimeUtils.ParseMessageId(value) ?? value.Trim().Trim('<', '>');
        return id.Length == 0 ? null : $"<{id}>";
    }

    private static string? Text(HeaderList? headers, HeaderId id) =>
        headers?.FirstOrDefault(h => h.Id == id) is { } header ? header.Value.Trim() : null;

    private static DateTimeOffset? Date(HeaderList? headers) =>
        headers?.FirstOrDefault(h => h.Id == HeaderId.Date) is { } header && DateUtils.TryParse(header.RawValue, out var date) ? date : null;

    private static IReadOnlyList<EmailAddress> Addresses(HeaderList? headers, HeaderId id)
    {
        var result = new List<EmailAddress>();
        foreach (var header in headers?.Where(h => h.Id == id) ?? [])
        {
            if (!InternetAddressList.TryParse(ParserOptions.Default, header.RawValue, out var list)) continue;
            foreach (var mailbox in list.Mailboxes)
                result.Add(new EmailAddress(string.IsNullOrEmpty(mailbox.Name) ? null : mailbox.Name, mailbox.Address));
        }
        return result;
    }
}
