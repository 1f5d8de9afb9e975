using Ganss.Xss;

namespace MailGateway.Imap.Mime;

/// <summary>Sanitizes message HTML for display: scripts, event handlers, forms and dangerous URLs removed;
/// <c>cid:</c> links to inline parts kept.</summary>
internal static class HtmlCleaner
{
    private static readonly HtmlSanitizer Sanitizer = Create();

    public static string Sanitize(string html) => Sanitizer.Sanitize(html);

    private static HtmlSanitizer Create()
    {
        var sanitizer = new HtmlSanitizer();
        sanitizer.AllowedSchemes.Add("cid");
        sanitizer.AllowedSchemes.Add("mailto");
        sanitizer.AllowedTags.Remove("form");
        return sanitizer;
    }
}
