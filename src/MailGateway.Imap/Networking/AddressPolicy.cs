using System.Net;
using System.Net.Sockets;

namespace MailGateway.Imap.Networking;

/// <summary>How an outbound destination address is treated by every client the gateway opens (IMAP, webhooks, SMTP).</summary>
public enum AddressClass
{
    /// <summary>Globally reachable: always allowed.</summary>
    Public,
    /// <summary>Loopback, RFC 1918, CGNAT, ULA, benchmarking: allowed only when the caller's AllowPrivateNetworks is set.</summary>
    Private,
    /// <summary>Link-local, cloud metadata, multicast, documentation, reserved, tunnels: never allowed.</summary>
    Forbidden,
}

/// <summary>
/// The one address policy: a table of ranges from the IANA IPv4 and IPv6 special-purpose address registries plus
/// cloud metadata addresses. The most specific matching range decides; an address in no range is public. IPv6 forms
/// that carry an IPv4 address (mapped, compatible, NAT64 well-known prefix, 6to4) are judged by that IPv4 address.
/// See docs/architecture.md ("Outbound connections").
/// </summary>
public static class AddressPolicy
{
    /// <summary>One row of the table.</summary>
    public sealed record Range(IPNetwork Network, AddressClass Class, string Name);

    private static Range R(string cidr, AddressClass c, string name) => new(IPNetwork.Parse(cidr), c, name);

    /// <summary>The table, most specific first (that order is what <see cref="Match"/> relies on).</summary>
    public static IReadOnlyList<Range> Table { get; } = new List<Range>
    {
        // Cloud metadata and platform endpoints (more specific than the ranges around them).
        R("169.254.169.254/32", AddressClass.Forbidden, "cloud metadata (AWS, GCP, Azure, OpenStack)"),
        R("168.63.129.16/32", AddressClass.Forbidden, "Azure platform (WireServer)"),
        R("100.100.100.200/32", AddressClass.Forbidden, "Alibaba Cloud metadata"),
        R("fd00:ec2::254/128", AddressClass.Forbidden, "AWS metadata (IPv6)"),
        // IPv4 special-purpose registry.
        R("0.0.0.0/8", AddressClass.Forbidden, "this network"),
        R("10.0.0.0/8", AddressClass.Private, "private-use"),
        R("100.64.0.0/10", AddressClass.Private, "shared address space (CGNAT)"),
        R("127.0.0.0/8", AddressClass.Private, "loopback"),
        R("169.254.0.0/16", AddressClass.Forbidden, "link-local"),
        R("172.16.0.0/12", AddressClass.Private, "private-use"),
        R("192.0.0.0/24", AddressClass.Forbidden, "IETF protocol assignments"),
        R("192.0.2.0/24", AddressClass.Forbidden, "documentation (TEST-NET-1)"),
        R("192.31.196.0/24", AddressClass.Forbidden, "AS112-v4"),
        R("192.52.193.0/24", AddressClass.Forbidden, "AMT"),
        R("192.88.99.0/24", AddressClass.Forbidden, "deprecated 6to4 relay anycast"),
        R("192.168.0.0/16", AddressClass.Private, "private-use"),
        R("192.175.48.0/24", AddressClass.Forbidden, "direct delegation AS112"),
        R("198.18.0.0/15", AddressClass.Private, "benchmarking"),
        R("198.51.100.0/24", AddressClass.Forbidden, "documentation (TEST-NET-2)"),
        R("203.0.113.0/24", AddressClass.Forbidden, "documentation (TEST-NET-3)"),
        R("224.0.0.0/4", AddressClass.Forbidden, "multicast"),
        R("240.0.0.0/4", AddressClass.Forbidden, "reserved, limited broadcast"),
        // IPv6 special-purpose registry.
        R("::1/128", AddressClass.Private, "loopback"),
        R("::/128", AddressClass.Forbidden, "unspecified"),
        R("64:ff9b:1::/48", AddressClass.Private, "local-use IPv4/IPv6 translation"),
        R("100::/64", AddressClass.Forbidden, "discard-only"),
        R("100:0:0:1::/64", AddressClass.Forbidden, "dummy prefix"),
        R("2001::/32", AddressClass.Forbidden, "Teredo"),
        R("2001::/23", AddressClass.Forbidden, "IETF protocol assignments (ORCHID, benchmarking, AMT, ...)"),
        R("2001:db8::/32", AddressClass.Forbidden, "documentation"),
        R("2620:4f:8000::/48", AddressClass.Forbidden, "direct delegation AS112"),
        R("3fff::/20", AddressClass.Forbidden, "documentation"),
        R("5f00::/16", AddressClass.Forbidden, "segment routing (SRv6) SIDs"),
        R("fc00::/7", AddressClass.Private, "unique local"),
        R("fe80::/10", AddressClass.Forbidden, "link-local"),
        R("fec0::/10", AddressClass.Forbidden, "site-local (deprecated)"),
        R("ff00::/8", AddressClass.Forbidden, "multicast"),
    }.OrderByDescending(r => r.Network.PrefixLength).ToArray();

    private static readonly IPNetwork Ipv4Compatible = IPNetwork.Parse("::/96");
    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    /// <summary>The class of <paramref name="address"/>.</summary>
    public static AddressClass Classify(IPAddress address) => Match(address)?.Class ?? AddressClass.Public;

    /// <summary>Whether a connection to <paramref name="address"/> may be opened.</summary>
    public static bool IsAllowed(IPAddress address, bool allowPrivateNetworks) => Classify(address) switch
    {
        AddressClass.Public => true,
        AddressClass.Private => allowPrivateNetworks,
        _ => false,
    };

    /// <summary>The most specific range holding <paramref name="address"/> (after unwrapping an embedded IPv4
    /// address), or null for a public address.</summary>
    public static Range? Match(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
            return new Range(new IPNetwork(IPAddress.IPv6None, 0), AddressClass.Forbidden, "not an IP address");
        address = EmbeddedIPv4(address) ?? address;
        foreach (var range in Table)
        {
            if (range.Network.Contains(address))
                return range;
        }
        return null;
    }

    /// <summary>The IPv4 address an IPv6 address carries (mapped, compatible, NAT64 /96, 6to4), else null.</summary>
    public static IPAddress? EmbeddedIPv4(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return null;
        if (address.IsIPv4MappedToIPv6) return address.MapToIPv4();
        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out _);
        // ::/128 and ::1 stay IPv6 (unspecified, loopback); the rest of ::/96 is the deprecated IPv4-compatible form.
        if (Ipv4Compatible.Contains(address) && !address.Equals(IPAddress.IPv6Any) && !address.Equals(IPAddress.IPv6Loopback))
            return new IPAddress(b[12..]);
        if (Nat64.Contains(address)) return new IPAddress(b[12..]);
        if (SixToFour.Contains(address)) return new IPAddress(b.Slice(2, 4));
        return null;
    }
}
