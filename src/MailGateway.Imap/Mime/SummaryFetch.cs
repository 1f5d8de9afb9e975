using MailKit;
using MailKit.Net.Imap;
using MimeKit;

namespace MailGateway.Imap.Mime;

/// <summary>
/// The one FETCH request for summaries (lists, reads, the watcher), shaped by what the server can do: PREVIEW and
/// MODSEQ only when advertised; header fields instead of ENVELOPE (a header literal is streamed, not size-limited).
/// </summary>
internal static class SummaryFetch
{
    /// <summary>The header fields a summary is built from.</summary>
    public static readonly IReadOnlyList<HeaderId> SummaryHeaders =
        [HeaderId.MessageId, HeaderId.Subject, HeaderId.From, HeaderId.To, HeaderId.Cc, HeaderId.Date];

    public static FetchRequest Request(ImapCapabilities capabilities) => new(Items(capabilities), SummaryHeaders);

    /// <summary>After MailKit refused a summary FETCH answer: no BODYSTRUCTURE and no PREVIEW (the strings that can be long
    /// literals), only what is always parsable: UID, flags, dates, size and the header fields (a streamed literal).</summary>
    public static FetchRequest SafeRequest(ImapCapabilities capabilities) =>
        new(MessageSummaryItems.UniqueId | MessageSummaryItems.Flags | MessageSummaryItems.InternalDate | MessageSummaryItems.Size
            | (capabilities.HasFlag(ImapCapabilities.CondStore) ? MessageSummaryItems.ModSeq : MessageSummaryItems.None), SummaryHeaders);

    /// <summary>For one message's detail: every header (and References) besides the summary items.</summary>
    public static FetchRequest DetailRequest(ImapCapabilities capabilities) =>
        new(Items(capabilities) | MessageSummaryItems.Headers | MessageSummaryItems.References);

    private static MessageSummaryItems Items(ImapCapabilities capabilities)
    {
        var items = MessageSummaryItems.UniqueId | MessageSummaryItems.Flags | MessageSummaryItems.InternalDate |
                    MessageSummaryItems.Size | MessageSummaryItems.BodyStructure;
        // With PREVIEW the server makes it; without, MailKit fetches the first 256 bytes of the text part (one command
        // per part number). A server that answers PREVIEW NIL gets the capability switched off (SummaryPreviews).
        items |= MessageSummaryItems.PreviewText;
        if (capabilities.HasFlag(ImapCapabilities.CondStore)) items |= MessageSummaryItems.ModSeq;
        return items;
    }
}
