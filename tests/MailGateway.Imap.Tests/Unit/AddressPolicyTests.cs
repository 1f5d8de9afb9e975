using System.Net;
using MailGateway.Imap.Networking;

namespace MailGateway.Imap.Tests.Unit;

public sealed class AddressPolicyTests
{
    [Theory]
    // Public.
    [InlineData("8.8.8.8", AddressClass.Public)]
    [InlineData("1.1.1.1", AddressClass.Public)]
    [InlineData("172.32.0.1", AddressClass.Public)]
    [InlineData("100.128.0.1", AddressClass.Public)]
    [InlineData("168.63.129.15", AddressClass.Public)]
    [InlineData("2001:4860:4860::8888", AddressClass.Public)]
    [InlineData("2606:4700:4700::1111", AddressClass.Public)]
    [InlineData("64:ff9b::808:808", AddressClass.Public)]            // NAT64 of 8.8.8.8
    // Private: allowed only with AllowPrivateNetworks.
    [InlineData("127.0.0.1", AddressClass.Private)]
    [InlineData("10.0.0.5", AddressClass.Private)]
    [InlineData("172.16.0.1", AddressClass.Private)]
    [InlineData("172.31.255.255", AddressClass.Private)]
    [InlineData("192.168.0.1", AddressClass.Private)]
    [InlineData("100.64.0.1", AddressClass.Private)]                 // CGNAT
    [InlineData("198.18.0.1", AddressClass.Private)]                 // benchmarking
    [InlineData("::1", AddressClass.Private)]
    [InlineData("fd12:3456::1", AddressClass.Private)]               // ULA
    [InlineData("::ffff:10.0.0.1", AddressClass.Private)]
    [InlineData("64:ff9b:1::5", AddressClass.Private)]               // local-use NAT64
    [InlineData("2002:c0a8:0101::1", AddressClass.Private)]          // 6to4 of 192.168.1.1
    // Forbidden: never.
    [InlineData("169.254.169.254", AddressClass.Forbidden)]
    [InlineData("::ffff:169.254.169.254", AddressClass.Forbidden)]
    [InlineData("168.63.129.16", AddressClass.Forbidden)]            // Azure WireServer
    [InlineData("100.100.100.200", AddressClass.Forbidden)]          // Alibaba metadata, inside CGNAT
    [InlineData("fd00:ec2::254", AddressClass.Forbidden)]            // AWS IPv6 metadata, inside ULA
    [InlineData("64:ff9b::a9fe:a9fe", AddressClass.Forbidden)]       // NAT64 of the metadata address
    [InlineData("::169.254.169.254", AddressClass.Forbidden)]        // IPv4-compatible form
    [InlineData("0.0.0.0", AddressClass.Forbidden)]
    [InlineData("::", AddressClass.Forbidden)]
    [InlineData("192.0.0.170", AddressClass.Forbidden)]
    [InlineData("192.0.2.10", AddressClass.Forbidden)]               // documentation
    [InlineData("198.51.100.7", AddressClass.Forbidden)]
    [InlineData("203.0.113.9", AddressClass.Forbidden)]
    [InlineData("192.88.99.1", AddressClass.Forbidden)]
    [InlineData("224.0.0.1", AddressClass.Forbidden)]
    [InlineData("240.0.0.1", AddressClass.Forbidden)]
    [InlineData("255.255.255.255", AddressClass.Forbidden)]
    [InlineData("fe80::1", AddressClass.Forbidden)]
    [InlineData("fec0::1", AddressClass.Forbidden)]
    [InlineData("ff02::1", AddressClass.Forbidden)]
    [InlineData("2001::1", AddressClass.Forbidden)]                  // Teredo
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2", AddressClass.Forbidden)]
    [InlineData("2001:2::1", AddressClass.Forbidden)]                // benchmarking
    [InlineData("2001:db8::1", AddressClass.Forbidden)]              // documentation
    [InlineData("3fff::1", AddressClass.Forbidden)]
    [InlineData("100::1", AddressClass.Forbidden)]                   // discard-only
    [InlineData("5f00::1", AddressClass.Forbidden)]
    [InlineData("2002:a9fe:a9fe::1", AddressClass.Forbidden)]        // 6to4 of the metadata address
    public void Addresses_are_classified_by_the_table(string address, AddressClass expected) =>
        Assert.Equal(expected, AddressPolicy.Classify(IPAddress.Parse(address)));

    [Fact]
    public void The_most_specific_range_decides() =>
        Assert.Equal("Alibaba Cloud metadata", AddressPolicy.Match(IPAddress.Parse("100.100.100.200"))!.Name);

    [Fact]
    public void Every_row_is_an_IPv4_or_IPv6_network_and_the_table_is_ordered_most_specific_first()
    {
        var lengths = AddressPolicy.Table.Select(r => r.Network.PrefixLength).ToArray();
        Assert.Equal(lengths.OrderByDescending(l => l), lengths);
        Assert.Contains(AddressPolicy.Table, r => r.Network.BaseAddress.Equals(IPAddress.Parse("2001::")) && r.Network.PrefixLength == 32);
    }

    [Theory]
    [InlineData("127.0.0.1", false, false)]
    [InlineData("127.0.0.1", true, true)]
    [InlineData("169.254.169.254", true, false)]
    [InlineData("8.8.8.8", false, true)]
    public void IsAllowed_opens_private_ranges_only_on_request(string address, bool allowPrivate, bool expected) =>
        Assert.Equal(expected, AddressPolicy.IsAllowed(IPAddress.Parse(address), allowPrivate));

    [Fact]
    public async Task The_guarded_routine_refuses_a_name_resolving_to_loopback_and_never_names_the_address()
    {
        var ct = TestContext.Current.CancellationToken;
        var ex = await Assert.ThrowsAsync<EgressRefusedException>(() => GuardedConnect.ConnectAsync("localhost", 9, false, ct));
        Assert.Equal(AddressClass.Private, ex.AddressClass);
        Assert.DoesNotContain("127.0.0.1", ex.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<EgressRefusedException>(() => GuardedConnect.ConnectAsync("169.254.169.254", 80, true, ct));
    }

    [Fact]
    public async Task The_guarded_routine_connects_to_an_allowed_address()
    {
        var ct = TestContext.Current.CancellationToken;
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var socket = await GuardedConnect.ConnectAsync("127.0.0.1", port, allowPrivateNetworks: true, ct);
        Assert.True(socket.Connected);
    }
}
