using System.Globalization;
using MailGateway.Imap;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Messages;

/// <summary>
/// The query string of <c>GET .../mailboxes/{mailboxId}/messages</c>. Bound as strings so that every
/// malformed value answers a <c>validation_failed</c> problem naming the parameter.
/// </summary>
public sealed class MessageListParameters
{
    public string? Limit { get; set; }
    public string? Cursor { get; set; }
    public string? Unseen { get; set; }
    public string? Flagged { get; set; }
    public string? From { get; set; }
    public string? To { get; set; }
    public string? Subject { get; set; }
    public string? Text { get; set; }
    public string? Since { get; set; }
    public string? Before { get; set; }
    public string? Larger { get; set; }
    public string? Smaller { get; set; }
    public string? HasAttachment { get; set; }
    /// <summary><c>Name:Value</c>: messages whose header <c>Name</c> contains <c>Value</c>.</summary>
    public string? Header { get; set; }
    public string? Keyword { get; set; }
    /// <summary><c>lo:hi</c>, <c>lo:*</c> or a single UID.</summary>
    public string? Uid { get; set; }

    /// <summary>Parses the values; the result still goes through <see cref="MessageQueryRules.Validate"/> in the service.</summary>
    /// <exception cref="MailApiException">validation_failed.</exception>
    public MessageQuery ToQuery()
    {
        var (minUid, maxUid) = ParseUidRange(Uid);
        string? headerName = null, headerValue = null;
        if (Header is not null)
        {
            var colon = Header.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0) throw MailApiException.Validation("header must be 'Name:Value'.");
            headerName = Header[..colon].Trim();
            headerValue = Header[(colon + 1)..].TrimStart();
        }
        return new MessageQuery
        {
            Limit = Limit is null ? MessageQueryRules.DefaultLimit : ParseInt(Limit, "limit"),
            Unseen = ParseBool(Unseen, "unseen"),
            Flagged = ParseBool(Flagged, "flagged"),
            From = From,
            To = To,
            Subject = Subject,
            Text = Text,
            Since = ParseDate(Since, "since"),
            Before = ParseDate(Before, "before"),
            Larger = ParseLong(Larger, "larger"),
            Smaller = ParseLong(Smaller, "smaller"),
            HasAttachment = ParseBool(HasAttachment, "hasAttachment"),
            HeaderName = headerName,
            HeaderValue = headerValue,
            Keyword = Keyword,
            MinUid = minUid,
            MaxUid = maxUid,
        };
    }

    internal static bool? ParseBool(string? value, string name) => value?.ToUpperInvariant() switch
    {
        null => null,
        "TRUE" or "1" => true,
        "FALSE" or "0" => false,
        _ => throw MailApiException.Validation($"{name} must be true or false."),
    };

    private static int ParseInt(string value, string name) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
            : throw MailApiException.Validation($"{name} must be a whole number.");

    private static long? ParseLong(string? value, string name) =>
        value is null ? null
        : long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
        : throw MailApiException.Validation($"{name} must be a non-negative whole number of bytes.");

    private static DateTimeOffset? ParseDate(string? value, string name) =>
        value is null ? null
        : value.Length <= 40 && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var d) ? d
        : throw MailApiException.Validation($"{name} must be an ISO 8601 date or date-time.");

    internal static (uint? Min, uint? Max) ParseUidRange(string? value)
    {
        if (value is null) return (null, null);
        var parts = value.Split(':');
        if (parts.Length > 2 || !TryUid(parts[0], out var lo))
            throw MailApiException.Validation("uid must be 'lo:hi', 'lo:*' or a single UID.");
        if (parts.Length == 1) return (lo, lo);
        if (parts[1] == "*") return (lo, null);
        if (!TryUid(parts[1], out var hi) || hi < lo)
            throw MailApiException.Validation("uid must be 'lo:hi' with 1 <= lo <= hi.");
        return (lo, hi);

        static bool TryUid(string s, out uint uid) =>
            uint.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out uid) && uid > 0;
    }
}
