using System.Net;
using System.Net.Sockets;

namespace MailGateway.Imap.Pooling;

/// <summary>Decides whether an account may be contacted: transport security, allowed hosts, and the
/// resolved addresses (so a DNS name pointing at a private or metadata address cannot bypass the check).</summary>
internal static class ImapHostPolicy
{
    public const string InsecureTransport = "insecure_transport";
    public const string HostForbidden = "imap_host_forbidden";

    /// <summary>Checks everything that does not need DNS.</summary>
    public static void CheckAccount(ImapAccount account, ImapOptions options)
    {
        if (account.Security == ImapSecurity.None && !options.AllowInsecure)
            throw new ImapPolicyException(InsecureTransport, "Unencrypted IMAP is not allowed (Imap:AllowInsecure is false).");
        if (account.Port is < 1 or > 65535)
            throw new ImapPolicyException(HostForbidden, "The IMAP port must be between 1 and 65535.");
        var host = account.Host?.Trim() ?? "";
        if (host.Length == 0 || Uri.CheckHostName(host) == UriHostNameType.Unknown)
            throw new ImapPolicyException(HostForbidden, "The IMAP host name is not valid.");
        if (options.AllowedHosts.Count > 0 && !options.AllowedHosts.Any(pattern => Matches(pattern, host)))
            throw new ImapPolicyException(HostForbidden, "The IMAP host is not in the list of allowed hosts.");
    }

    /// <summary>Resolves the host and answers the addresses to connect to; refuses forbidden ones.</summary>
    public static async Task<IPAddress[]> ResolveAsync(ImapAccount account, ImapOptions options, CancellationToken cancellationToken)
    {
        CheckAccount(account, options);
        var host = account.Host.Trim();
        IPAddress[] addresses;
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                throw new ImapUnavailableException("The IMAP host name could not be resolved.", TimeSpan.FromSeconds(30), ex);
            }
        }
        if (addresses.Length == 0)
            throw new ImapUnavailableException("The IMAP host name could not be resolved.", TimeSpan.FromSeconds(30));
        // Any forbidden answer refuses the host: a name that mixes public and internal addresses is suspicious.
        foreach (var address in addresses)
        {
            var kind = Classify(address);
            if (kind == AddressKind.AlwaysForbidden)
                throw new ImapPolicyException(HostForbidden, "The IMAP host resolves to a link-local, metadata or reserved address.");
            if (kind == AddressKind.Private && !options.AllowPrivateNetworks)
                throw new ImapPolicyException(HostForbidden, "The IMAP host resolves to a loopback or private address (Imap:AllowPrivateNetworks is false).");
        }
        return addresses;
    }

    public static bool Matches(string pattern, string host)
    {
        pattern = pattern.Trim();
        if (pattern.StartsWith("*.", StringComparison.Ordinal))
            return host.EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase) && host.Length > pattern.Length - 1;
        return string.Equals(pattern, host, StringComparison.OrdinalIgnoreCase);
    }

    public enum AddressKind { Public, Private, AlwaysForbidden }

    public static AddressKind Classify(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        return address.AddressFamily == AddressFamily.InterNetwork ? ClassifyV4(address) : ClassifyV6(address);
    }

    private static AddressKind ClassifyV4(IPAddress address)
    {
        Span<byte> b = stackalloc byte[4];
        address.TryWriteBytes(b, out _);
        if (b[0] == 169 && b[1] == 254) return AddressKind.AlwaysForbidden;                    // link-local, cloud metadata
        if (b[0] == 100 && b[1] == 100 && b[2] == 100 && b[3] == 200) return AddressKind.AlwaysForbidden; // Alibaba metadata
        if (b[0] == 0 || b[0] >= 224) return AddressKind.AlwaysForbidden;                      // "this network", multicast, reserved, broadcast
        if (b[0] == 127 || b[0] == 10) return AddressKind.Private;
        if (b[0] == 172 && (b[1] & 0xF0) == 16) return AddressKind.Private;
        if (b[0] == 192 && b[1] == 168) return AddressKind.Private;
        if (b[0] == 100 && (b[1] & 0xC0) == 64) return AddressKind.Private;                    // CGNAT 100.64/10
        if (b[0] == 198 && (b[1] & 0xFE) == 18) return AddressKind.Private;                    // benchmarking 198.18/15
        return AddressKind.Public;
    }

    private static AddressKind ClassifyV6(IPAddress address)
    {
        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out _);
        if (address.Equals(IPAddress.Parse("fd00:ec2::254"))) return AddressKind.AlwaysForbidden; // AWS metadata
        if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return AddressKind.AlwaysForbidden;           // fe80::/10 link-local
        if (b[0] == 0xFF || address.Equals(IPAddress.IPv6Any)) return AddressKind.AlwaysForbidden; // multicast, unspecified
        if (address.Equals(IPAddress.IPv6Loopback)) return AddressKind.Private;
        if ((b[0] & 0xFE) == 0xFC) return AddressKind.Private;                                 // fc00::/7 unique local
        if (b[0] == 0xFE && (b[1] & 0xC0) == 0xC0) return AddressKind.Private;                 // fec0::/10 site-local
        if (b[0] == 0x20 && b[1] == 0x02) return ClassifyV4(new IPAddress(b.Slice(2, 4)));      // 6to4 embeds an IPv4 address
        if (b[..12].SequenceEqual(Nat64Prefix)) return ClassifyV4(new IPAddress(b.Slice(12, 4)));
        return AddressKind.Public;
    }

    private static ReadOnlySpan<byte> Nat64Prefix => [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0];
}
