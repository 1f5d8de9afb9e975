using MailGateway.Imap.Mime;

namespace MailGateway.Imap.Tests.Unit;

/// <summary>Safer HTML by default: no overlays, no remote content unless asked, cid: images through the gateway.</summary>
public sealed class HtmlCleanerTests
{
    private const string Overlay = "<div style=\"position: fixed; top: 0; left: 0; z-index: 9999; width: 100%\"><a href=\"https://phish.example/\">Log in</a></div>";
    private const string Tracker = "<img src=\"https://tracker.example/open.gif?u=1\" alt=\"\"><p style=\"background-image: url('https://tracker.example/bg.png')\">hi</p>";

    [Fact]
    public void Fixed_and_absolute_positioning_and_z_index_are_dropped()
    {
        var html = HtmlCleaner.Sanitize(Overlay + "<p style=\"position:absolute;color:red\">x</p>");
        Assert.DoesNotContain("position", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("z-index", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("color", html, StringComparison.Ordinal); // other styles stay
        Assert.Contains("href=\"https://phish.example/\"", html, StringComparison.Ordinal); // links stay: following one is the reader's choice
    }

    [Fact]
    public void Remote_images_and_css_urls_are_removed_and_reported()
    {
        var cleaned = HtmlCleaner.Clean(Tracker, new HtmlCleaning());
        Assert.True(cleaned.RemoteContentBlocked);
        Assert.DoesNotContain("tracker.example", cleaned.Html, StringComparison.Ordinal);
        Assert.Contains("<img", cleaned.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void Remote_content_is_kept_when_allowed()
    {
        var cleaned = HtmlCleaner.Clean(Tracker, new HtmlCleaning(AllowRemoteContent: true));
        Assert.False(cleaned.RemoteContentBlocked);
        Assert.Contains("https://tracker.example/open.gif?u=1", cleaned.Html, StringComparison.Ordinal);
        Assert.Contains("https://tracker.example/bg.png", cleaned.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void Cid_images_point_at_the_resolved_gateway_url_and_unknown_ones_are_dropped()
    {
        var cleaned = HtmlCleaner.Clean("<img src=\"cid:logo@example\"><img src=\"cid:missing@example\">",
            new HtmlCleaning(ResolveContentId: cid => cid == "logo@example" ? "/api/v1/accounts/a/messages/m/attachments/p2" : null));
        Assert.Contains("src=\"/api/v1/accounts/a/messages/m/attachments/p2\"", cleaned.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("missing", cleaned.Html, StringComparison.Ordinal);
        Assert.False(cleaned.RemoteContentBlocked);
    }

    [Fact]
    public void Html_without_remote_content_is_not_reported_as_blocked()
    {
        var cleaned = HtmlCleaner.Clean("<p>Hello <a href=\"https://example.com/\">there</a></p>", new HtmlCleaning());
        Assert.False(cleaned.RemoteContentBlocked);
        Assert.Contains("https://example.com/", cleaned.Html, StringComparison.Ordinal);
    }
}
