using System.Net.Sockets;
using MailKit;
using MailKit.Net.Imap;

namespace MailGateway.Imap.Pooling;

internal static class ImapErrors
{
    /// <summary>True when the exception means the connection is unusable (it must be discarded, not returned).</summary>
    public static bool IsConnectionFailure(Exception ex) =>
        ex is IOException or ImapProtocolException or ServiceNotConnectedException or SocketException or TimeoutException
            or ObjectDisposedException;

    /// <summary>True when MailKit refused to parse what the server sent (e.g. a BODYSTRUCTURE string sent as a literal over
    /// 4 KiB): a retry of the same FETCH fails the same way, so the retry asks for less (<c>SummaryFetch.SafeRequest</c>).</summary>
    public static bool IsUnparsable(Exception ex) =>
        ex is ImapProtocolException && (ex.Message.Contains("exceeds the maximum allowed size", StringComparison.Ordinal)
            || ex.Message.StartsWith("Syntax error", StringComparison.Ordinal));

    /// <summary>True when a fresh connection may well succeed: the connection was dropped (BYE, reset, EOF, TLS),
    /// not timed out (a second wait as long as the first would only double the caller's wait).</summary>
    public static bool IsRetryable(Exception ex) => TimeoutIn(ex) is null;

    /// <summary>The read/write timeout of the connection's stream (a frozen server), however MailKit or SslStream wrapped it.</summary>
    public static TimeoutException? TimeoutIn(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
            if (ex is TimeoutException timeout) return timeout;
        return null;
    }

    /// <summary>True when the server said the mailbox does not exist (NONEXISTENT/TRYCREATE or the usual texts).</summary>
    public static bool IsMissingMailbox(ImapCommandException ex)
    {
        var text = ex.ResponseText ?? ex.Message;
        return text.Contains("NONEXISTENT", StringComparison.OrdinalIgnoreCase) || text.Contains("TRYCREATE", StringComparison.OrdinalIgnoreCase)
            || text.Contains("doesn't exist", StringComparison.OrdinalIgnoreCase) || text.Contains("does not exist", StringComparison.OrdinalIgnoreCase)
            || text.Contains("no such mailbox", StringComparison.OrdinalIgnoreCase);
    }
}
