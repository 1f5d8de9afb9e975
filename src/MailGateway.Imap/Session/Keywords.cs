namespace MailGateway.Imap.Session;

/// <summary>IMAP keyword (flag) validation: an atom (RFC 3501), or one of the system flags.</summary>
internal static class Keywords
{
    public static readonly string[] System = [@"\Seen", @"\Answered", @"\Flagged", @"\Draft", @"\Deleted"];

    /// <summary>Answers the keyword when it is a valid atom; refuses anything else.</summary>
    public static string Validate(string keyword)
    {
        if (keyword.Length is 0 or > 100 || keyword.Any(c => c <= ' ' || c >= 0x7F || c is '(' or ')' or '{' or '%' or '*' or '"' or '\\' or ']'))
            throw new ImapOperationException("A keyword must be 1-100 printable ASCII characters without spaces or ( ) { } % * \" \\ ].");
        return keyword;
    }

    public static bool IsSystem(string flag, out MailKit.MessageFlags value)
    {
        value = flag.ToLowerInvariant() switch
        {
            @"\seen" => MailKit.MessageFlags.Seen,
            @"\answered" => MailKit.MessageFlags.Answered,
            @"\flagged" => MailKit.MessageFlags.Flagged,
            @"\draft" => MailKit.MessageFlags.Draft,
            @"\deleted" => MailKit.MessageFlags.Deleted,
            _ => MailKit.MessageFlags.None,
        };
        return value != MailKit.MessageFlags.None;
    }
}
