using System.Text.RegularExpressions;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Mailboxes;

/// <summary>
/// Checks mailbox names and paths from request bodies. MailKit sends names as quoted strings or literals,
/// so nothing here could become protocol; we still refuse what no client needs and what servers treat
/// specially: control characters (CR/LF), the LIST wildcards <c>*</c> and <c>%</c>, things that look like IMAP
/// literal markers (<c>{5}</c>, <c>{5+}</c>), empty hierarchy levels and anything over 1000 characters.
/// </summary>
public static partial class MailboxNames
{
    public const int MaxLength = 1000;

    /// <exception cref="MailApiException">validation_failed.</exception>
    public static void CheckPath(string? path, char? delimiter, string field = "path")
    {
        if (string.IsNullOrWhiteSpace(path)) throw MailApiException.Validation($"{field} is required.");
        if (path.Length > MaxLength) throw MailApiException.Validation($"{field} must be at most {MaxLength} characters.");
        if (path.Any(char.IsControl)) throw MailApiException.Validation($"{field} must not contain control characters.");
        if (path.IndexOfAny(['*', '%']) >= 0) throw MailApiException.Validation($"{field} must not contain '*' or '%'.");
        if (LiteralMarker().IsMatch(path)) throw MailApiException.Validation($"{field} must not contain IMAP literal markers such as '{{5}}'.");
        if (path != path.Trim()) throw MailApiException.Validation($"{field} must not start or end with spaces.");
        if (delimiter is { } d && path.Split(d).Any(level => level.Trim().Length == 0))
            throw MailApiException.Validation($"{field} must not have empty levels (doubled, leading or trailing '{d}').");
    }

    /// <summary>A single level: as <see cref="CheckPath"/>, and without the hierarchy delimiter.</summary>
    public static void CheckName(string? name, char? delimiter)
    {
        CheckPath(name, delimiter, "name");
        if (delimiter is { } d && name!.Contains(d, StringComparison.Ordinal))
            throw MailApiException.Validation($"name must not contain the hierarchy delimiter '{d}'; use path to create nested mailboxes.");
    }

    [GeneratedRegex(@"\{[0-9]+\+?\}", RegexOptions.CultureInvariant)]
    private static partial Regex LiteralMarker();
}
