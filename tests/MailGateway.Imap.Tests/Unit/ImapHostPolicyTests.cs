using System.Net;
using static MailGateway.Imap.Pooling.ImapHostPolicy;

namespace MailGateway.Imap.Tests.Unit;

public sealed class ImapHostPolicyTests
{
    [Theory]
    [InlineData("imap.example.com", "imap.example.com", true)]
    [InlineData("IMAP.Example.com", "imap.example.com", true)]
    [InlineData("*.example.com", "imap.example.com", true)]
    [InlineData("*.example.com", "example.com", false)]
    [InlineData("*.example.com", "evil-example.com", false)]
    [InlineData("imap.example.com", "imap.example.com.evil.net", false)]
    public void Allowed_host_patterns_match_exactly_or_by_subdomain(string pattern, string host, bool expected) =>
        Assert.Equal(expected, Matches(pattern, host));

    [Fact]
    public void Plaintext_invalid_ports_and_odd_host_names_are_refused()
    {
        var options = new ImapOptions();
        var account = new ImapAccount("a", "imap.example.com", 993, ImapSecurity.None, "u");
        Assert.Equal(InsecureTransport, Assert.Throws<ImapPolicyException>(() => CheckAccount(account, options)).Code);
        Assert.Throws<ImapPolicyException>(() => CheckAccount(account with { Security = ImapSecurity.Tls, Port = 0 }, options));
        Assert.Throws<ImapPolicyException>(() => CheckAccount(account with { Security = ImapSecurity.Tls, Host = "bad host\r\n" }, options));
        CheckAccount(account with { Security = ImapSecurity.Tls }, options);
    }

    [Fact]
    public async Task A_name_resolving_to_loopback_is_refused_when_private_networks_are_not_allowed()
    {
        var account = new ImapAccount("a", "localhost", 993, ImapSecurity.Tls, "u");
        var ex = await Assert.ThrowsAsync<ImapPolicyException>(() => ResolveAsync(account, new ImapOptions(), TestContext.Current.CancellationToken));
        Assert.Equal(HostForbidden, ex.Code);
        var allowed = await ResolveAsync(account, new ImapOptions { AllowPrivateNetworks = true }, TestContext.Current.CancellationToken);
        Assert.All(allowed, a => Assert.True(IPAddress.IsLoopback(a)));
    }
}
