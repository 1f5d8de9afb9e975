using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MailGateway.Imap;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Messages;

/// <summary>
/// Limits for message list queries (shared by REST and GraphQL). Search text reaches IMAP only through
/// MailKit's search model, which sends it as a quoted string or literal; we still refuse control characters
/// (CR/LF are protocol) and overlong values so nothing hostile reaches the server.
/// </summary>
public static class MessageQueryRules
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;
    public const int MaxSearchLength = 1000;

    /// <exception cref="MailApiException">validation_failed.</exception>
    public static void Validate(MessageQuery query)
    {
        if (query.Limit is < 1 or > MaxLimit) throw MailApiException.Validation($"limit must be between 1 and {MaxLimit}.");
        CheckText(query.From, "from");
        CheckText(query.To, "to");
        CheckText(query.Subject, "subject");
        CheckText(query.Text, "text");
        CheckText(query.HeaderValue, "header value");
        if (query.HeaderName is not null && !IsHeaderName(query.HeaderName))
            throw MailApiException.Validation("header name must be 1-76 printable ASCII characters without ':' or spaces.");
        if (query.HeaderName is null != (query.HeaderValue is null))
            throw MailApiException.Validation("header needs both a name and a value.");
        if (query.Keyword is not null && !Keywords.IsValid(query.Keyword))
            throw MailApiException.Validation("keyword must be an IMAP keyword (atom characters only).");
        if (query.Larger < 0 || query.Smaller < 0) throw MailApiException.Validation("larger/smaller must not be negative.");
        if (query.MinUid is 0 || query.MaxUid is 0 || query.MinUid > query.MaxUid)
            throw MailApiException.Validation("uid range must satisfy 1 <= lo <= hi.");
    }

    private static void CheckText(string? value, string name)
    {
        if (value is null) return;
        if (value.Length > MaxSearchLength) throw MailApiException.Validation($"{name} must be at most {MaxSearchLength} characters.");
        if (value.Any(char.IsControl)) throw MailApiException.Validation($"{name} must not contain control characters.");
    }

    private static bool IsHeaderName(string name) =>
        name.Length is > 0 and <= 76 && name.All(c => c is > ' ' and < '\x7f' and not ':');

    /// <summary>A fingerprint of everything that selects messages (not limit, not position), bound to the mailbox.</summary>
    public static ulong FilterHash(string mailbox, MessageQuery q)
    {
        var canonical = string.Join('\u001f', mailbox, q.Unseen, q.Flagged, q.From, q.To, q.Subject, q.Text,
            q.Since?.ToUnixTimeSeconds(), q.Before?.ToUnixTimeSeconds(), q.Larger, q.Smaller, q.HasAttachment,
            q.HeaderName?.ToUpperInvariant(), q.HeaderValue, q.Keyword, q.MinUid, q.MaxUid);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(canonical), hash);
        return BinaryPrimitives.ReadUInt64BigEndian(hash);
    }

    internal static string Format(ulong value) => value.ToString("x16", CultureInfo.InvariantCulture);
}

/// <summary>IMAP keywords (custom flags): atoms without the specials <c>( ) { % * " \ ]</c> or spaces.</summary>
public static class Keywords
{
    public const int MaxLength = 100;

    public static bool IsValid(string keyword) =>
        keyword.Length is > 0 and <= MaxLength
        && keyword.All(c => c is > ' ' and < '\x7f' and not ('(' or ')' or '{' or '%' or '*' or '"' or '\\' or ']'));
}
