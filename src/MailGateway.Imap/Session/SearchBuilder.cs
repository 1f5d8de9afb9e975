using MailKit;
using MailKit.Search;

namespace MailGateway.Imap.Session;

/// <summary>Translates a <see cref="MessageQuery"/> into MailKit's search model. User text is only ever a value
/// in a <see cref="SearchQuery"/> (MailKit quotes it or sends it as a literal); text with CR, LF or NUL,
/// or longer than <see cref="MaxTextLength"/>, is refused.</summary>
internal static class SearchBuilder
{
    public const int MaxTextLength = 16 * 1024;

    /// <summary>True when the query has no filter other than paging (then the page comes from sequence numbers).</summary>
    public static bool IsUnfiltered(MessageQuery q) =>
        q.Unseen is null && q.Flagged is null && q.From is null && q.To is null && q.Subject is null && q.Text is null &&
        q.Since is null && q.Before is null && q.Larger is null && q.Smaller is null && q.HasAttachment is null &&
        q.HeaderName is null && q.Keyword is null && q.MinUid is null && q.MaxUid is null;

    /// <summary>The query, or null when it can match nothing (an empty UID range).</summary>
    public static SearchQuery? Build(MessageQuery q, bool within, DateTimeOffset now)
    {
        var parts = new List<SearchQuery>();
        if (q.Unseen is { } unseen) parts.Add(unseen ? SearchQuery.NotSeen : SearchQuery.Seen);
        if (q.Flagged is { } flagged) parts.Add(flagged ? SearchQuery.Flagged : SearchQuery.NotFlagged);
        if (q.From is { } from) parts.Add(SearchQuery.FromContains(Text(from, "from")));
        if (q.To is { } to) parts.Add(SearchQuery.ToContains(Text(to, "to")));
        if (q.Subject is { } subject) parts.Add(SearchQuery.SubjectContains(Text(subject, "subject")));
        if (q.Text is { } text) parts.Add(SearchQuery.MessageContains(Text(text, "text")));
        // WITHIN (YOUNGER/OLDER, seconds) is exact; SINCE/BEFORE only have day granularity.
        if (q.Since is { } since)
            parts.Add(within && since < now ? SearchQuery.YoungerThan(Seconds(now - since)) : SearchQuery.DeliveredAfter(since.UtcDateTime.Date));
        if (q.Before is { } before)
            parts.Add(within && before < now ? SearchQuery.OlderThan(Seconds(now - before)) : SearchQuery.DeliveredBefore(before.UtcDateTime.Date));
        if (q.Larger is { } larger) parts.Add(SearchQuery.LargerThan((int)Math.Clamp(larger, 0, int.MaxValue)));
        if (q.Smaller is { } smaller) parts.Add(SearchQuery.SmallerThan((int)Math.Clamp(smaller, 0, int.MaxValue)));
        if (q.HasAttachment is { } has)
        {
            // IMAP cannot search BODYSTRUCTURE; multipart/mixed is how attachments are carried in practice.
            var mixed = SearchQuery.HeaderContains("Content-Type", "multipart/mixed");
            parts.Add(has ? mixed : SearchQuery.Not(mixed));
        }
        if (q.HeaderName is { } header)
        {
            if (header.Length is 0 or > 100 || header.Any(c => c is < '!' or > '~' or ':'))
                throw new ImapOperationException("The header name must be 1-100 printable ASCII characters without ':'.");
            parts.Add(SearchQuery.HeaderContains(header, Text(q.HeaderValue ?? "", "header value")));
        }
        if (q.Keyword is { } keyword) parts.Add(SearchQuery.HasKeyword(Keywords.Validate(keyword)));
        if (q.MinUid is not null || q.MaxUid is not null || q.BeforeUid is not null)
        {
            var min = Math.Max(1u, q.MinUid ?? 1);
            var max = Math.Min(q.MaxUid ?? uint.MaxValue - 1, q.BeforeUid is { } b ? b - 1 : uint.MaxValue - 1);
            if (max < min || max == 0) return null;
            parts.Add(SearchQuery.Uids(new UniqueIdRange(new UniqueId(min), new UniqueId(max))));
        }
        return parts.Count == 0 ? SearchQuery.All : parts.Aggregate(SearchQuery.And);
    }

    private static int Seconds(TimeSpan span) => (int)Math.Clamp(Math.Ceiling(span.TotalSeconds), 1, int.MaxValue);

    private static string Text(string value, string field)
    {
        if (value.Length > MaxTextLength)
            throw new ImapOperationException($"The {field} filter is longer than {MaxTextLength} characters.");
        if (value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
            throw new ImapOperationException($"The {field} filter must not contain line breaks or NUL characters.");
        return value;
    }
}
