using MailKit;
using MimeKit;

namespace MailGateway.Imap;

/// <summary>Turns MailKit summaries into our records for events (the summary a <c>message.created</c> carries).</summary>
internal static class WatchSummaries
{
    /// <summary>What a new message's event needs: envelope (subject, from, date), flags, size, structure, preview.</summary>
    public static readonly FetchRequest NewMessages = new(
        MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope | MessageSummaryItems.Flags |
        MessageSummaryItems.InternalDate | MessageSummaryItems.Size | MessageSummaryItems.BodyStructure |
        MessageSummaryItems.ModSeq | MessageSummaryItems.PreviewText);

    public static MessageSummary ToSummary(IMessageSummary s, string mailbox, uint uidValidity)
    {
        var envelope = s.Envelope;
        return new MessageSummary(
            mailbox,
            uidValidity,
            s.UniqueId.Id,
            envelope?.MessageId,
            envelope?.Subject,
            Addresses(envelope?.From),
            Addresses(envelope?.To),
            Addresses(envelope?.Cc),
            envelope?.Date,
            s.InternalDate,
            (long)(s.Size ?? 0),
            Flags(s.Flags, s.Keywords),
            s.Body is not null && s.Attachments.Any(),
            Trim(s.PreviewText),
            s.ModSeq ?? 0);
    }

    public static IReadOnlyList<string> Flags(MessageFlags? flags, IReadOnlySet<string>? keywords)
    {
        var list = new List<string>();
        var f = flags ?? MessageFlags.None;
        if (f.HasFlag(MessageFlags.Seen)) list.Add(@"\Seen");
        if (f.HasFlag(MessageFlags.Answered)) list.Add(@"\Answered");
        if (f.HasFlag(MessageFlags.Flagged)) list.Add(@"\Flagged");
        if (f.HasFlag(MessageFlags.Deleted)) list.Add(@"\Deleted");
        if (f.HasFlag(MessageFlags.Draft)) list.Add(@"\Draft");
        if (keywords is not null) list.AddRange(keywords.Order(StringComparer.Ordinal));
        return list;
    }

    private static List<EmailAddress> Addresses(InternetAddressList? list) =>
        list is null ? [] : list.Mailboxes.Select(m => new EmailAddress(string.IsNullOrEmpty(m.Name) ? null : m.Name, m.Address)).ToList();

    private static string? Trim(string? preview)
    {
        if (string.IsNullOrWhiteSpace(preview)) return null;
        var text = string.Join(' ', preview.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return text.Length <= 200 ? text : text[..200];
    }
}
