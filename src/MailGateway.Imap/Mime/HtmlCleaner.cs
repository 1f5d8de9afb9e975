using AngleSharp.Dom;
using Ganss.Xss;

namespace MailGateway.Imap.Mime;

/// <summary>How message HTML is cleaned for display.</summary>
/// <param name="AllowRemoteContent">Keep remote image and CSS URLs (they tell the sender when and where the mail was read).</param>
/// <param name="ResolveContentId">Maps a <c>cid:</c> reference to the gateway URL of that inline part; null drops it.</param>
public sealed record HtmlCleaning(bool AllowRemoteContent = false, Func<string, string?>? ResolveContentId = null);

/// <summary>Cleaned HTML, and whether remote content was taken out of it.</summary>
public readonly record struct CleanHtml(string Html, bool RemoteContentBlocked);

/// <summary>Sanitizes message HTML for display: scripts, event handlers, forms and dangerous URLs removed; fixed or
/// absolute positioning and z-index removed (no full-screen overlays); remote images and CSS URLs removed unless
/// allowed (links stay); <c>cid:</c> references resolved to gateway URLs.</summary>
public static class HtmlCleaner
{
    [ThreadStatic] private static CallState? _call;
    private static readonly HtmlSanitizer Sanitizer = Create();

    public static string Sanitize(string html) => Clean(html, new HtmlCleaning()).Html;

    public static CleanHtml Clean(string html, HtmlCleaning options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var call = new CallState(options);
        _call = call;
        try
        {
            return new CleanHtml(Sanitizer.Sanitize(html), call.Blocked);
        }
        finally
        {
            _call = null;
        }
    }

    private static HtmlSanitizer Create()
    {
        var sanitizer = new HtmlSanitizer();
        sanitizer.AllowedSchemes.Add("cid");
        sanitizer.AllowedSchemes.Add("mailto");
        sanitizer.AllowedTags.Remove("form");
        sanitizer.AllowedCssProperties.Remove("position");
        sanitizer.AllowedCssProperties.Remove("z-index");
        sanitizer.FilterUrl += (_, e) =>
        {
            if (_call is { } call) e.SanitizedUrl = call.Filter(e.Tag, e.OriginalUrl, e.SanitizedUrl);
        };
        return sanitizer;
    }

    private sealed class CallState(HtmlCleaning options)
    {
        public bool Blocked { get; private set; }

        public string? Filter(IElement? tag, string original, string? sanitized)
        {
            if (sanitized is null)
                return null;
            if (sanitized.StartsWith("cid:", StringComparison.OrdinalIgnoreCase))
                return options.ResolveContentId?.Invoke(Uri.UnescapeDataString(sanitized[4..]).Trim('<', '>'));
            if (options.AllowRemoteContent || !IsRemote(sanitized) || IsLink(tag, original))
                return sanitized;
            Blocked = true;
            return null;
        }

        private static bool IsRemote(string url) =>
            url.StartsWith("//", StringComparison.Ordinal)
            || url.StartsWith("http:", StringComparison.OrdinalIgnoreCase) || url.StartsWith("https:", StringComparison.OrdinalIgnoreCase);

        /// <summary>A link's own target (an a/area href): following it is the reader's choice, so it stays.</summary>
        private static bool IsLink(IElement? tag, string original) =>
            tag is not null && tag.LocalName is "a" or "area" && tag.GetAttribute("href") == original;
    }
}
