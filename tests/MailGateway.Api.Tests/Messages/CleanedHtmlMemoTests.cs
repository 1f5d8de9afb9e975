using MailGateway.Api.Messages;
using MailGateway.Imap.Caching;
using MailGateway.Imap.Mime;
using Microsoft.Extensions.Options;

namespace MailGateway.Api.Tests.Messages;

/// <summary>The memo of cleaned message HTML: reused only for the very same input, never across accounts, messages,
/// remote-content choices or cid links.</summary>
public class CleanedHtmlMemoTests
{
    private const string Html = "<p>Hello <img src=\"cid:logo\"><img src=\"https://tracker.example/p.gif\"></p>";

    private static CleanedHtmlMemo Memo(bool enabled = true) => new(Options.Create(new ReadCacheOptions { Enabled = enabled }));

    private static Func<CleanHtml> Counting(Func<CleanHtml> clean, Action counted) => () =>
    {
        counted();
        return clean();
    };

    [Fact]
    public void The_same_input_is_cleaned_once_and_then_answered_from_memory()
    {
        using var memo = Memo();
        var cleanings = 0;
        var clean = Counting(() => HtmlCleaner.Clean(Html, new HtmlCleaning()), () => cleanings++);

        var first = memo.GetOrClean("a1", "m1", false, Html, "logo att1", clean);
        var second = memo.GetOrClean("a1", "m1", false, Html, "logo att1", clean);

        Assert.Equal(1, cleanings);
        Assert.Equal(1, memo.Hits);
        Assert.Equal(first, second);
        Assert.True(second.RemoteContentBlocked);
        Assert.DoesNotContain("tracker.example", second.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void A_different_html_links_account_message_or_remote_choice_is_cleaned_again()
    {
        using var memo = Memo();
        var cleanings = 0;
        CleanHtml Clean(string html) { cleanings++; return HtmlCleaner.Clean(html, new HtmlCleaning()); }

        memo.GetOrClean("a1", "m1", false, Html, "logo att1", () => Clean(Html));
        var other = memo.GetOrClean("a1", "m1", false, "<p>Other</p>", "logo att1", () => Clean("<p>Other</p>"));
        memo.GetOrClean("a1", "m1", false, "<p>Other</p>", "logo att2", () => Clean("<p>Other</p>"));
        memo.GetOrClean("a2", "m1", false, "<p>Other</p>", "logo att2", () => Clean("<p>Other</p>"));
        memo.GetOrClean("a2", "m2", false, "<p>Other</p>", "logo att2", () => Clean("<p>Other</p>"));
        memo.GetOrClean("a2", "m2", true, "<p>Other</p>", "logo att2", () => Clean("<p>Other</p>"));

        Assert.Equal(6, cleanings);
        Assert.Equal(0, memo.Hits);
        Assert.Contains("Other", other.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void With_the_read_cache_switched_off_every_read_is_cleaned()
    {
        using var memo = Memo(enabled: false);
        var cleanings = 0;
        var clean = Counting(() => HtmlCleaner.Clean(Html, new HtmlCleaning()), () => cleanings++);

        memo.GetOrClean("a1", "m1", false, Html, "", clean);
        memo.GetOrClean("a1", "m1", false, Html, "", clean);

        Assert.Equal(2, cleanings);
        Assert.Equal(0, memo.Hits);
    }
}
