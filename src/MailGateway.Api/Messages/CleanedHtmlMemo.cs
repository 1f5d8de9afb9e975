using MailGateway.Imap.Caching;
using MailGateway.Imap.Mime;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace MailGateway.Api.Messages;

/// <summary>
/// The cleaned HTML of recently read messages. Cleaning (HtmlSanitizer over AngleSharp) is the costliest step of a
/// message read that the read cache answered, and its result depends only on the HTML, the <c>cid:</c> links (account,
/// message and inline attachment ids) and <c>allowRemoteContent</c>. So it is kept per (account, message,
/// allowRemoteContent) with the HTML and links it was made from, and reused only when both are the same (a read-cache
/// hit hands back the very same HTML string, so the check is a reference comparison). Bounded by
/// <see cref="MaxBytes"/>; off when the read cache is (<c>Imap:Cache:Enabled</c>).
/// </summary>
public sealed class CleanedHtmlMemo : IDisposable
{
    /// <summary>Byte budget (UTF-16 estimate of source and result) of the kept results.</summary>
    public const long MaxBytes = 8L * 1024 * 1024;

    private readonly MemoryCache? _memory;
    private long _hits;

    public CleanedHtmlMemo(IOptions<ReadCacheOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Value.Enabled) _memory = new MemoryCache(new MemoryCacheOptions { SizeLimit = MaxBytes });
    }

    /// <summary>Results reused since start.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>The cleaned form of <paramref name="html"/>, from memory when this same input was cleaned before.</summary>
    /// <param name="links">The <c>cid:</c> → attachment id pairs the cleaning resolves, in a stable order.</param>
    public CleanHtml GetOrClean(string accountId, string messageId, bool allowRemoteContent, string html, string links, Func<CleanHtml> clean)
    {
        ArgumentNullException.ThrowIfNull(html);
        ArgumentNullException.ThrowIfNull(links);
        ArgumentNullException.ThrowIfNull(clean);
        if (_memory is null) return clean();
        var key = (accountId, messageId, allowRemoteContent);
        if (_memory.TryGetValue(key, out Entry? kept) && kept is not null && string.Equals(kept.Html, html, StringComparison.Ordinal)
            && string.Equals(kept.Links, links, StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _hits);
            return kept.Result;
        }
        var result = clean();
        var size = 2L * (html.Length + links.Length + result.Html.Length) + 128;
        if (size <= MaxBytes / 8) _memory.Set(key, new Entry(html, links, result), new MemoryCacheEntryOptions { Size = size });
        return result;
    }

    public void Dispose() => _memory?.Dispose();

    private sealed record Entry(string Html, string Links, CleanHtml Result);
}
