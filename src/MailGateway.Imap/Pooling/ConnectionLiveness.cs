using System.Net.Sockets;
using System.Runtime.CompilerServices;
using MailKit.Net.Imap;

namespace MailGateway.Imap.Pooling;

/// <summary>A cheap check of a free connection before it is leased. An idle IMAP connection receives nothing
/// unsolicited, so a socket that is readable (a BYE, a TLS close_notify, EOF or a reset) has most likely been dropped
/// by the server: the pool then NOOPs it, which either consumes harmless untagged data or proves it dead.</summary>
internal static class ConnectionLiveness
{
    private static readonly ConditionalWeakTable<ImapClient, Socket> Sockets = new();

    /// <summary>Remembers the socket the connector handed to MailKit (MailKit does not expose it).</summary>
    public static void Track(ImapClient client, Socket socket) => Sockets.AddOrUpdate(client, socket);

    /// <summary>True when the connection is known to have pending input or to be closed; false when it looks quiet
    /// (or its socket is unknown, e.g. a fake client in unit tests).</summary>
    public static bool LooksSuspect(ImapClient client)
    {
        if (!Sockets.TryGetValue(client, out var socket)) return false;
        try
        {
            return socket.Poll(0, SelectMode.SelectRead) || socket.Poll(0, SelectMode.SelectError);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
        {
            return true;
        }
    }
}
