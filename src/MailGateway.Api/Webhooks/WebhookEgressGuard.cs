using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace MailGateway.Api.Webhooks;

/// <summary>
/// SSRF guard for webhook destinations. Decisions are made on resolved <see cref="IPAddress"/> values, never on the
/// URL text, so numeric spellings (<c>2130706433</c>, <c>0x7f.1</c>, <c>[::ffff:127.0.0.1]</c>) cannot slip through.
/// Checked when a URL is registered and again at connect time (<see cref="ConnectAsync"/>) against DNS rebinding.
/// </summary>
internal sealed class WebhookEgressGuard(IOptions<WebhookOptions> options)
{
    private readonly bool _allowPrivate = options.Value.AllowPrivateNetworks;

    /// <summary>Why <paramref name="url"/> may not receive webhooks, or null when it may.</summary>
    public async Task<string?> CheckUrlAsync(Uri url, CancellationToken cancellationToken = default)
    {
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
            return "Only absolute http and https URLs can receive webhooks.";
        if (!string.IsNullOrEmpty(url.UserInfo))
            return "Credentials in the URL are not accepted.";
        IPAddress[] addresses;
        try
        {
            addresses = await ResolveAsync(url.IdnHost, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            return $"The host '{url.Host}' cannot be resolved.";
        }
        foreach (var address in addresses)
        {
            if (!IsAllowed(address))
                return $"The host '{url.Host}' resolves to {address}, a {Describe(address)} address.";
        }
        return addresses.Length == 0 ? $"The host '{url.Host}' has no address." : null;
    }

    /// <summary>The <see cref="SocketsHttpHandler.ConnectCallback"/>: resolves, checks every address and connects to a checked one.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var endPoint = context.DnsEndPoint;
        var addresses = await ResolveAsync(endPoint.Host, cancellationToken).ConfigureAwait(false);
        var refused = addresses.FirstOrDefault(a => !IsAllowed(a));
        if (refused is not null || addresses.Length == 0)
            throw new WebhookEgressException(refused is null
                ? $"The host '{endPoint.Host}' has no address."
                : $"The host '{endPoint.Host}' resolves to {refused}, a {Describe(refused)} address.");

        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, endPoint.Port), cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
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
        throw last!;
    }

    public bool IsAllowed(IPAddress address) => Classify(address) switch
    {
        EgressClass.Public => true,
        EgressClass.Private => _allowPrivate,
        _ => false,
    };

    private static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        // A literal (Uri has already normalised decimal/octal/hex IPv4 spellings) is used as is, without DNS.
        var literal = host.Trim('[', ']');
        if (IPAddress.TryParse(literal, out var address))
            return [address];
        return await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
    }

    private static string Describe(IPAddress address) => Classify(address) switch
    {
        EgressClass.Private => "private or loopback",
        EgressClass.Forbidden => "link-local, multicast, unspecified or reserved",
        _ => "public",
    };

    /// <summary>Classifies an address; IPv6 forms that embed an IPv4 address are judged by that address.</summary>
    public static EgressClass Classify(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
            return ClassifyV4(address.GetAddressBytes());
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
            return EgressClass.Forbidden;
        if (address.IsIPv4MappedToIPv6)
            return ClassifyV4(address.MapToIPv4().GetAddressBytes());

        var b = address.GetAddressBytes();
        if (IPAddress.IPv6Loopback.Equals(address))
            return EgressClass.Private;
        if (IPAddress.IPv6Any.Equals(address))
            return EgressClass.Forbidden;
        if (b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0)          // ::a.b.c.d (IPv4-compatible, deprecated)
            return ClassifyV4(b[12..]);
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b)   // 64:ff9b::/96 NAT64, 64:ff9b:1::/48 local NAT64
            return b.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0 ? ClassifyV4(b[12..]) : EgressClass.Private;
        if (b[0] == 0x20 && b[1] == 0x02)                            // 2002::/16 6to4 carries an IPv4 address
            return ClassifyV4(b[2..6]);
        if (b[0] == 0xff)                                            // multicast
            return EgressClass.Forbidden;
        if (b[0] == 0xfe && (b[1] & 0xc0) is 0x80 or 0xc0)           // fe80::/10 link-local, fec0::/10 site-local
            return EgressClass.Forbidden;
        if ((b[0] & 0xfe) == 0xfc)                                   // fc00::/7 unique local
            return EgressClass.Private;
        if (b[0] == 0x01 && b[1] == 0x00 && b.AsSpan(2, 6).IndexOfAnyExcept((byte)0) < 0)   // 100::/64 discard
            return EgressClass.Forbidden;
        return EgressClass.Public;
    }

    private static EgressClass ClassifyV4(ReadOnlySpan<byte> b) => (b[0], b[1]) switch
    {
        (0, _) => EgressClass.Forbidden,                               // 0.0.0.0/8 "this network", unspecified
        (10, _) => EgressClass.Private,
        (100, >= 64 and <= 127) => EgressClass.Private,                // CGNAT
        (127, _) => EgressClass.Private,                               // loopback
        (169, 254) => EgressClass.Forbidden,                           // link-local, cloud metadata
        (172, >= 16 and <= 31) => EgressClass.Private,
        (192, 0) when b[2] == 0 => EgressClass.Forbidden,              // IETF protocol assignments
        (192, 168) => EgressClass.Private,
        (198, 18 or 19) => EgressClass.Private,                        // benchmarking
        ( >= 224, _) => EgressClass.Forbidden,                         // multicast, reserved, broadcast
        _ => EgressClass.Public,
    };
}

/// <summary>Public: always allowed. Private: loopback, RFC 1918, CGNAT, ULA; allowed only with AllowPrivateNetworks.
/// Forbidden: link-local/metadata, multicast, unspecified, broadcast, reserved; never allowed.</summary>
public enum EgressClass { Public, Private, Forbidden }

/// <summary>A destination refused by the egress guard at connect time.</summary>
public sealed class WebhookEgressException(string message) : IOException(message);
