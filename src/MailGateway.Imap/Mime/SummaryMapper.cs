using MailKit;
using MimeKit;

namespace MailGateway.Imap.Mime;

/// <summary>Turns MailKit message summaries into the gateway's records.</summary>
internal static class SummaryMapper
{
    public static MessageSummary ToSummary(IMessageSummary m, string mailbox, uint uidValidity)
    {
        var envelope = m.Envelope;
        return new MessageSummary(
            mailbox,
            uidValidity,
            m.UniqueId.Id,
            envelope?.MessageId is { } id ? $"<{id}>" : null,
            envelope?.Subject,
            Addresses(envelope?.From),
            Addresses(envelope?.To),
            Addresses(envelope?.Cc),
            envelope?.Date,
            m.InternalDate,
            m.Size ?? 0,
            Flags(m.Flags, m.Keywords),
            m.Body is null ? false : BodyParts.HasAttachments(m.Body),
            string.IsNullOrEmpty(m.PreviewText) ? null : m.PreviewText,
            m.ModSeq ?? 0);
    }

    public static IReadOnlyList<EmailAddress> Addresses(InternetAddressList? list)
    {
        if (list is null || list.Count == 0) return [];
        var result = new List<EmailAddress>(list.Count);
        foreach (var mailbox in list.Mailboxes)
            result.Add(new EmailAddress(string.IsNullOrEmpty(mailbox.Name) ? null : mailbox.Name, mailbox.Address));
        return result;
    }

    public static IReadOnlyList<string> Flags(MessageFlags? flags, IEnumerable<string>? keywords)
    {
        var result = new List<string>(6);
        var f = flags ?? MessageFlags.None;
        if (f.HasFlag(MessageFlags.Seen)) result.Add(@"\Seen");
        if (f.HasFlag(MessageFlags.Answered)) result.Add(@"\Answered");
        if (f.HasFlag(MessageFlags.Flagged)) result.Add(@"\Flagged");
        if (f.HasFlag(MessageFlags.Draft)) result.Add(@"\Draft");
        if (f.HasFlag(MessageFlags.Deleted)) result.Add(@"\Deleted");
        if (keywords is not null) result.AddRange(keywords.Where(k => !result.Contains(k, StringComparer.OrdinalIgnoreCase)));
        return result;
    }
}
