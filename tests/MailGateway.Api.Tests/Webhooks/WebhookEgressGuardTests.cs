using System.Net;
using MailGateway.Api.Webhooks;
using MailGateway.Imap.Networking;
using Microsoft.Extensions.Options;

namespace MailGateway.Api.Tests.Webhooks;

public class WebhookEgressGuardTests
{
    private static WebhookEgressGuard Guard(bool allowPrivate = false) =>
        new(Options.Create(new WebhookOptions { AllowPrivateNetworks = allowPrivate }));

    [Theory]
    [InlineData("http://localhost/hook")]                 // a name that resolves to 127.0.0.1 / ::1
    [InlineData("http://127.0.0.1/hook")]
    [InlineData("http://127.1.2.3:8080/hook")]
    [InlineData("http://[::1]/hook")]
    [InlineData("http://[::ffff:127.0.0.1]/hook")]
    [InlineData("http://[::ffff:7f00:1]/hook")]
    [InlineData("http://[::127.0.0.1]/hook")]             // IPv4-compatible IPv6
    [InlineData("http://[64:ff9b::7f00:1]/hook")]         // NAT64 of 127.0.0.1
    [InlineData("http://[2002:7f00:1::]/hook")]           // 6to4 of 127.0.0.1
    [InlineData("http://0.0.0.0/hook")]
    [InlineData("http://[::]/hook")]
    [InlineData("http://2130706433/hook")]                // decimal 127.0.0.1
    [InlineData("http://0177.0.0.1/hook")]                // octal
    [InlineData("http://0x7f.1/hook")]                    // hex, short form
    [InlineData("http://0x7f000001/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://[::ffff:169.254.169.254]/")]
    [InlineData("http://[fe80::1]/hook")]
    [InlineData("http://10.0.0.1/hook")]
    [InlineData("http://10.255.255.255/hook")]
    [InlineData("http://172.16.0.1/hook")]
    [InlineData("http://172.31.255.254/hook")]
    [InlineData("http://192.168.1.10/hook")]
    [InlineData("http://[::ffff:192.168.1.10]/hook")]
    [InlineData("http://100.64.0.1/hook")]
    [InlineData("http://100.127.255.254/hook")]
    [InlineData("http://[fc00::1]/hook")]
    [InlineData("http://[fd12:3456:789a::1]/hook")]
    [InlineData("http://224.0.0.1/hook")]
    [InlineData("http://239.255.255.250/hook")]
    [InlineData("http://[ff02::1]/hook")]
    [InlineData("http://255.255.255.255/hook")]
    [InlineData("https://[::ffff:10.1.2.3]:8443/hook")]
    public async Task Refuses_private_and_special_destinations(string url)
    {
        var reason = await Guard().CheckUrlAsync(new Uri(url), TestContext.Current.CancellationToken);
        Assert.NotNull(reason);
    }

    [Theory]
    [InlineData("ftp://93.184.216.34/hook")]
    [InlineData("file:///etc/passwd")]
    [InlineData("gopher://93.184.216.34/")]
    [InlineData("http://user:pw@93.184.216.34/hook")]
    public async Task Refuses_other_schemes_and_credentials(string url)
    {
        var reason = await Guard(allowPrivate: true).CheckUrlAsync(new Uri(url), TestContext.Current.CancellationToken);
        Assert.NotNull(reason);
    }

    [Theory]
    [InlineData("https://93.184.216.34/hook")]
    [InlineData("http://8.8.8.8:8080/hook")]
    [InlineData("https://[2606:4700:4700::1111]/hook")]
    [InlineData("http://172.32.0.1/")]                    // just outside 172.16/12
    [InlineData("http://100.128.0.1/")]                   // just outside 100.64/10
    public async Task Allows_public_destinations(string url)
    {
        var reason = await Guard().CheckUrlAsync(new Uri(url), TestContext.Current.CancellationToken);
        Assert.Null(reason);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000/hook", true)]
    [InlineData("http://localhost:5000/hook", true)]
    [InlineData("http://[::1]/hook", true)]
    [InlineData("http://192.168.0.2/hook", true)]
    [InlineData("http://169.254.169.254/", false)]        // metadata stays refused
    [InlineData("http://[fe80::1]/", false)]
    [InlineData("http://224.0.0.1/", false)]
    [InlineData("http://0.0.0.0/", false)]
    public async Task AllowPrivateNetworks_opens_private_ranges_only(string url, bool allowed)
    {
        var reason = await Guard(allowPrivate: true).CheckUrlAsync(new Uri(url), TestContext.Current.CancellationToken);
        Assert.Equal(allowed, reason is null);
    }

    [Theory]
    [InlineData("127.0.0.1", AddressClass.Private)]
    [InlineData("::ffff:127.0.0.1", AddressClass.Private)]
    [InlineData("169.254.0.1", AddressClass.Forbidden)]
    [InlineData("fe80::abcd", AddressClass.Forbidden)]
    [InlineData("febf::1", AddressClass.Forbidden)]
    [InlineData("fc00::", AddressClass.Private)]
    [InlineData("64:ff9b:1::5", AddressClass.Private)]
    [InlineData("64:ff9b::808:808", AddressClass.Public)]
    [InlineData("198.18.0.1", AddressClass.Private)]
    [InlineData("192.0.0.170", AddressClass.Forbidden)]
    [InlineData("240.0.0.1", AddressClass.Forbidden)]
    [InlineData("1.1.1.1", AddressClass.Public)]
    [InlineData("2001:4860:4860::8888", AddressClass.Public)]
    public void Classifies_addresses(string address, AddressClass expected) =>
        Assert.Equal(expected, AddressPolicy.Classify(IPAddress.Parse(address)));

    [Fact]
    public async Task Connect_time_check_refuses_a_private_address_even_after_registration()
    {
        // Registration happened elsewhere; at connect time the name resolves to loopback (DNS rebinding).
        var options = Options.Create(new WebhookOptions());
        using var sender = new WebhookSender(Guard(), options, TimeProvider.System);
        var attempt = await sender.SendAsync(new Uri("http://localhost:9/hook"), "evt_1", "{}",
            [WebhookSigner.NewSecret()], TestContext.Current.CancellationToken);
        Assert.Null(attempt.StatusCode);
        Assert.StartsWith("Destination refused", attempt.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://localhost:5000/hook")]                // resolves to loopback
    [InlineData("http://10.1.2.3/hook")]
    [InlineData("http://does-not-exist.invalid/hook")]        // does not resolve at all
    public async Task Refusals_do_not_reveal_what_a_host_resolves_to(string url)
    {
        var reason = await Guard().CheckUrlAsync(new Uri(url), TestContext.Current.CancellationToken);
        // One text for every refusal: no address, no class, no "cannot be resolved" that would tell names apart.
        Assert.Equal(WebhookEgressGuard.NotReachable, reason);
        Assert.DoesNotContain("127.0.0.1", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("::1", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("10.1.2.3", reason, StringComparison.Ordinal);
    }
}
