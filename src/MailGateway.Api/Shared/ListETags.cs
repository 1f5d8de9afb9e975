using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using MailGateway.Imap;
using Microsoft.Net.Http.Headers;

namespace MailGateway.Api.Shared;

/// <summary>
/// Weak ETags for list responses. A message list's tag covers the request (mailbox, query string) and the
/// mailbox state: with CONDSTORE every flag change and expunge raises HIGHESTMODSEQ and every arrival UIDNEXT.
/// Without CONDSTORE (HIGHESTMODSEQ 0) flag changes would go unseen, so no tag is given then.
/// </summary>
internal static class ListETags
{
    public static string? ForMessages(HttpRequest request, string mailboxId, MailboxState state) =>
        state.HighestModSeq == 0 ? null
            : Tag($"{mailboxId}|{request.QueryString.Value}|{state.UidValidity}|{state.UidNext}|{state.HighestModSeq}");

    public static string ForContent(string canonical) => Tag(canonical);

    /// <summary>True when the request's If-None-Match names <paramref name="etag"/> (weak comparison, or <c>*</c>).</summary>
    public static bool Matches(HttpRequest request, string? etag)
    {
        if (etag is null || request.Headers.IfNoneMatch.Count == 0) return false;
        var tag = new EntityTagHeaderValue(etag, isWeak: true);
        return EntityTagHeaderValue.TryParseList(request.Headers.IfNoneMatch, out var tags)
            && tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(tag, useStrongComparison: false));
    }

    private static string Tag(string canonical) =>
        "\"" + Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)).AsSpan(0, 16)) + "\"";
}

/// <summary>Answers 304 with the tag when it matches, else sets the ETag header for the 200.</summary>
internal static class ConditionalResults
{
    public static bool NotModified(HttpContext context, string? etag)
    {
        if (etag is null) return false;
        context.Response.Headers.ETag = "W/" + etag;
        return ListETags.Matches(context.Request, etag);
    }
}
