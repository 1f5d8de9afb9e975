namespace MailGateway.Imap.Caching;

/// <summary>Rough managed-memory estimates (UTF-16 strings plus object overhead) for the cache's byte budget.</summary>
internal static class CacheSizes
{
    /// <summary>Object header, length and terminator of one string.</summary>
    private const long StringOverhead = 24;

    public static long Of(MessageSummary s) =>
        400 + Text(s.Subject) + Text(s.Preview) + Text(s.MessageIdHeader) + Text(s.Mailbox) +
        Of(s.From) + Of(s.To) + Of(s.Cc) + s.Flags.Sum(f => 32L + 2 * f.Length);

    public static long Of(MessageDetail d) =>
        Of(d.Summary) + 2L * (Len(d.Text) + Len(d.Html) + Len(d.InReplyTo)) +
        d.Headers.Sum(h => 64L + 2 * (h.Key.Length + h.Value.Length)) +
        d.Attachments.Sum(a => 200L + 2 * (Len(a.FileName) + Len(a.ContentId))) +
        d.References.Sum(r => 32L + 2 * r.Length);

    private static long Of(IReadOnlyList<EmailAddress> list) => list.Sum(a => 64L + Text(a.Name) + Text(a.Address));

    private static long Text(string? s) => s is null ? 0 : StringOverhead + 2L * s.Length;

    private static int Len(string? s) => s?.Length ?? 0;
}
