using System.Net;
using System.Net.Sockets;

namespace MailGateway.Imap.Networking;

/// <summary>
/// The one guarded connect routine for every outbound client (IMAP, webhooks, SMTP): resolve the host, classify
/// every address with <see cref="AddressPolicy"/>, refuse the host when ANY address is not allowed (a name mixing
/// public and internal answers is suspicious), then connect only to the addresses that were checked. Connecting to
/// the checked address (never to the name again) is what defeats DNS rebinding.
/// </summary>
public static class GuardedConnect
{
    /// <summary>Resolves <paramref name="host"/> (an IP literal is used as is) and checks every address.</summary>
    /// <exception cref="EgressRefusedException">An address is not allowed.</exception>
    /// <exception cref="EgressUnresolvedException">The name does not resolve, or has no address.</exception>
    public static async Task<IPAddress[]> ResolveAsync(string host, bool allowPrivateNetworks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        IPAddress[] addresses;
        if (IPAddress.TryParse(host.Trim().Trim('[', ']'), out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(host.Trim(), cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                throw new EgressUnresolvedException(ex);
            }
        }
        if (addresses.Length == 0)
            throw new EgressUnresolvedException(null);
        foreach (var address in addresses)
        {
            if (!AddressPolicy.IsAllowed(address, allowPrivateNetworks))
                throw new EgressRefusedException(AddressPolicy.Classify(address));
        }
        return addresses;
    }

    /// <summary>Connects a TCP socket to the first of the (already checked) <paramref name="addresses"/> that answers.</summary>
    /// <exception cref="SocketException">No address accepted the connection (the last error).</exception>
    public static async Task<Socket> ConnectAsync(IReadOnlyList<IPAddress> addresses, int port, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken).ConfigureAwait(false);
                return socket;
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw last ?? new SocketException((int)SocketError.HostNotFound);
    }

    /// <summary>Resolves, checks and connects: the whole routine in one call.</summary>
    public static async Task<Socket> ConnectAsync(string host, int port, bool allowPrivateNetworks, CancellationToken cancellationToken)
    {
        var addresses = await ResolveAsync(host, allowPrivateNetworks, cancellationToken).ConfigureAwait(false);
        return await ConnectAsync(addresses, port, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>A destination refused by <see cref="GuardedConnect"/>. The message never names the resolved address,
/// so an error shown to a caller cannot be used to map internal DNS.</summary>
public sealed class EgressRefusedException(AddressClass addressClass)
    : IOException("The destination is not allowed: it resolves to a non-public address.")
{
    /// <summary>Why: <see cref="AddressClass.Private"/> (allowed with AllowPrivateNetworks) or <see cref="AddressClass.Forbidden"/>.</summary>
    public AddressClass AddressClass { get; } = addressClass;
}

/// <summary>The destination's host name did not resolve to any address.</summary>
public sealed class EgressUnresolvedException(Exception? inner)
    : IOException("The destination's host name could not be resolved.", inner);
