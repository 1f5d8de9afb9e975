using MailGateway.Imap.Tests.Infrastructure;

namespace MailGateway.Imap.Tests.Integration;

public sealed class ConnectorTests(ImapEnvironment fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Implicit_TLS_with_the_trusted_CA_logs_in_and_enables_QRESYNC()
    {
        await using var harness = new PoolHarness(fixture.Env);
        using var client = await harness.Connector.ConnectAsync(harness.Account("user30"), Ct);
        Assert.True(client.IsAuthenticated);
        Assert.True(client.IsSecure);
        Assert.True(harness.Telemetry.CommandCount > 0);
        var attempt = Assert.Single(harness.Observer.Attempts);
        Assert.True(attempt.Succeeded);
        Assert.Equal("acc-user30", attempt.AccountId);
    }

    [Fact]
    public async Task STARTTLS_is_required_and_works()
    {
        await using var harness = new PoolHarness(fixture.Env);
        using var client = await harness.Connector.ConnectAsync(harness.Account("user30", ImapSecurity.StartTls), Ct);
        Assert.True(client.IsSecure);
    }

    [Fact]
    public async Task A_server_certificate_from_an_untrusted_CA_is_refused()
    {
        await using var harness = new PoolHarness(fixture.Env, trustCa: false);
        var ex = await Assert.ThrowsAsync<ImapUnavailableException>(() => harness.Connector.ConnectAsync(harness.Account("user30"), Ct));
        Assert.Contains("TLS", ex.Message, StringComparison.Ordinal);
        Assert.Empty(harness.Observer.Attempts);
    }

    [Fact]
    public async Task STARTTLS_with_an_untrusted_CA_never_falls_back_to_plaintext()
    {
        await using var harness = new PoolHarness(fixture.Env, trustCa: false);
        await Assert.ThrowsAsync<ImapUnavailableException>(() => harness.Connector.ConnectAsync(harness.Account("user30", ImapSecurity.StartTls), Ct));
        Assert.Empty(harness.Observer.Attempts);
    }

    [Fact]
    public async Task Plaintext_is_refused_by_default_and_allowed_only_with_AllowInsecure()
    {
        await using var strict = new PoolHarness(fixture.Env);
        var ex = await Assert.ThrowsAsync<ImapPolicyException>(() => strict.Connector.ConnectAsync(strict.Account("user30", ImapSecurity.None), Ct));
        Assert.Equal("insecure_transport", ex.Code);

        await using var lax = new PoolHarness(fixture.Env, s => s["AllowInsecure"] = "true");
        using var client = await lax.Connector.ConnectAsync(lax.Account("user30", ImapSecurity.None), Ct);
        Assert.False(client.IsSecure);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    [InlineData("10.1.2.3")]
    [InlineData("192.168.1.1")]
    public async Task Private_hosts_are_refused_unless_allowed(string host)
    {
        await using var harness = new PoolHarness(fixture.Env, s => s["AllowPrivateNetworks"] = "false");
        var ex = await Assert.ThrowsAsync<ImapPolicyException>(() => harness.Connector.ConnectAsync(harness.Account("user30", host: host), Ct));
        Assert.Equal("imap_host_forbidden", ex.Code);
    }

    [Theory]
    [InlineData("169.254.169.254")]
    [InlineData("100.100.100.200")]
    [InlineData("fe80::1")]
    [InlineData("fd00:ec2::254")]
    public async Task Link_local_and_metadata_hosts_are_always_refused(string host)
    {
        await using var harness = new PoolHarness(fixture.Env);
        var ex = await Assert.ThrowsAsync<ImapPolicyException>(() => harness.Connector.ConnectAsync(harness.Account("user30", host: host), Ct));
        Assert.Equal("imap_host_forbidden", ex.Code);
    }

    [Fact]
    public async Task AllowedHosts_restricts_servers()
    {
        await using var harness = new PoolHarness(fixture.Env, s => s["AllowedHosts:0"] = "*.example.com");
        var ex = await Assert.ThrowsAsync<ImapPolicyException>(() => harness.Connector.ConnectAsync(harness.Account("user30"), Ct));
        Assert.Equal("imap_host_forbidden", ex.Code);
    }

    [Fact]
    public async Task A_wrong_key_pin_is_refused_and_the_right_one_accepted()
    {
        await using var harness = new PoolHarness(fixture.Env);
        var wrongPin = Convert.ToBase64String(new byte[32]);
        await Assert.ThrowsAsync<ImapUnavailableException>(() => harness.Connector.ConnectAsync(harness.Account("user30", pin: wrongPin), Ct));

        using var probe = fixture.Env.CreateClient();
        string? pin = null;
        var inner = probe.ServerCertificateValidationCallback!;
        probe.ServerCertificateValidationCallback = (s, cert, chain, errors) =>
        {
            using var c = new System.Security.Cryptography.X509Certificates.X509Certificate2(cert!);
            pin = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(c.PublicKey.ExportSubjectPublicKeyInfo()));
            return inner(s, cert, chain, errors);
        };
        await probe.ConnectAsync(fixture.Env.Host, fixture.Env.ImapsPort, MailKit.Security.SecureSocketOptions.SslOnConnect, Ct);
        using var client = await harness.Connector.ConnectAsync(harness.Account("user30", pin: pin), Ct);
        Assert.True(client.IsAuthenticated);
    }

    [Fact]
    public async Task A_wrong_password_is_an_authentication_error_reported_to_the_observer_without_the_secret()
    {
        await using var harness = new PoolHarness(fixture.Env);
        harness.Credentials.Overrides["user31"] = "wrong-secret-31";
        var ex = await Assert.ThrowsAsync<ImapAuthenticationException>(() => harness.Connector.ConnectAsync(harness.Account("user31"), Ct));
        Assert.DoesNotContain("wrong-secret-31", ex.ToString(), StringComparison.Ordinal);
        var attempt = Assert.Single(harness.Observer.Attempts);
        Assert.False(attempt.Succeeded);
        Assert.DoesNotContain("wrong-secret-31", attempt.ServerResponse ?? "", StringComparison.Ordinal);
        Assert.Contains(harness.Logs.Lines, l => l.Contains("acc-user31", StringComparison.Ordinal));
        Assert.DoesNotContain(harness.Logs.Lines, l => l.Contains("wrong-secret-31", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(ImapAuthMechanism.OAuthBearer)]
    [InlineData(ImapAuthMechanism.XOAuth2)]
    public async Task OAuth_tokens_log_in_and_a_rejected_token_is_refreshed_once(ImapAuthMechanism mechanism)
    {
        await using var harness = new PoolHarness(fixture.Env);
        harness.Credentials.Custom = (account, force) => force
            ? fixture.Env.MintImapOAuthToken(account.Username, TimeSpan.FromMinutes(5))
            : "not-a-valid-token";
        using var client = await harness.Connector.ConnectAsync(harness.Account("user32", mechanism: mechanism), Ct);
        Assert.True(client.IsAuthenticated);
        Assert.Equal(1, harness.Credentials.ForcedRefreshes);
        Assert.Equal([false, true], harness.Observer.Attempts.Select(a => a.Succeeded));
        Assert.DoesNotContain(harness.Logs.Lines, l => l.Contains("not-a-valid-token", StringComparison.Ordinal) || l.Contains("eyJ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_OAuth_token_rejected_twice_fails_after_exactly_one_refresh()
    {
        await using var harness = new PoolHarness(fixture.Env);
        harness.Credentials.Custom = (_, _) => "still-not-valid";
        await Assert.ThrowsAsync<ImapAuthenticationException>(() => harness.Connector.ConnectAsync(harness.Account("user32", mechanism: ImapAuthMechanism.OAuthBearer), Ct));
        Assert.Equal(1, harness.Credentials.ForcedRefreshes);
        Assert.Equal(2, harness.Observer.Attempts.Count);
    }
}
