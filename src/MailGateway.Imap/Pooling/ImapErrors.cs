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
}
