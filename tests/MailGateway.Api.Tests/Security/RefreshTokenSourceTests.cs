using System.Net;
using System.Security.Claims;
using MailGateway.Api.Security;
using MailGateway.Imap;

namespace MailGateway.Api.Tests.Security;

public class RefreshTokenSourceTests
{
    private const string RefreshToken = "refresh-token-7f3a9c";
    private static readonly ClaimsPrincipal User = new(new ClaimsIdentity([new Claim("sub", "u1")], "test"));
    private static readonly ImapOAuthRequest Request = new() { Client = "corp", RefreshToken = RefreshToken };

    [Fact]
    public async Task Registration_refreshes_once_with_the_client_credentials_and_the_first_login_reuses_that_token()
    {
        await using var host = new OAuthTestHost();
        var secret = await host.Source.ProtectGrantAsync(Request, User, TestContext.Current.CancellationToken);

        var (url, form, authorization) = Assert.Single(host.Endpoint.Requests);
        Assert.Equal("https://login.example.test/oauth2/token", url.ToString());
        Assert.Equal("refresh_token", form["grant_type"]);
        Assert.Equal(RefreshToken, form["refresh_token"]);
        Assert.Equal("gateway-client", form["client_id"]);
        Assert.Equal(OAuthTestHost.ClientSecret, form["client_secret"]);
        Assert.Equal("imap offline_access", form["scope"]);
        Assert.Null(authorization);
        Assert.DoesNotContain(RefreshToken, secret, StringComparison.Ordinal);

        var token = await host.Source.GetAccessTokenAsync(OAuthTestHost.NewAccount(secret), false, TestContext.Current.CancellationToken);
        Assert.Equal("access-token-1", token.Value);
        Assert.Single(host.Endpoint.Requests);
    }

    [Fact]
    public async Task A_token_is_cached_until_the_skew_before_expiry_then_refreshed()
    {
        await using var host = new OAuthTestHost();
        var account = OAuthTestHost.NewAccount(await host.Source.ProtectGrantAsync(Request, User, TestContext.Current.CancellationToken));
        var ct = TestContext.Current.CancellationToken;

        host.Time.Advance(TimeSpan.FromMinutes(58)); // 2 minutes left, skew is 1 minute: still good
        Assert.Equal("access-token-1", (await host.Source.GetAccessTokenAsync(account, false, ct)).Value);
        host.Time.Advance(TimeSpan.FromSeconds(61)); // inside the skew
        Assert.Equal("access-token-2", (await host.Source.GetAccessTokenAsync(account, false, ct)).Value);
        Assert.Equal("access-token-2", (await host.Source.GetAccessTokenAsync(account, false, ct)).Value);
        Assert.Equal(2, host.Endpoint.Requests.Count);
    }

    [Fact]
    public async Task A_forced_refresh_after_an_authentication_failure_gets_a_new_token()
    {
        await using var host = new OAuthTestHost();
        var account = OAuthTestHost.NewAccount(await host.Source.ProtectGrantAsync(Request, User, TestContext.Current.CancellationToken));
        var ct = TestContext.Current.CancellationToken;

        Assert.Equal("access-token-1", (await host.Source.GetAccessTokenAsync(account, false, ct)).Value);
        Assert.Equal("access-token-2", (await host.Source.GetAccessTokenAsync(account, true, ct)).Value);
        Assert.Equal("access-token-2", (await host.Source.GetAccessTokenAsync(account, false, ct)).Value);
    }

    [Fact]
    public async Task Concurrent_logins_share_one_refresh()
    {
        await using var host = new OAuthTestHost();
        var account = OAuthTestHost.NewAccount(await host.Source.ProtectGrantAsync(Request, User, TestContext.Current.CancellationToken));
        host.Time.Advance(TimeSpan.FromHours(2));
        host.Endpoint.Delay = TimeSpan.FromMilliseconds(100);

        var tokens = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            host.Source.GetAccessTokenAsync(account, false, TestContext.Current.CancellationToken).AsTask()));

        Assert.All(tokens, t => Assert.Equal("access-token-2", t.Value));
        Assert.Equal(2, host.Endpoint.Requests.Count);
    }

    [Fact]
    public async Task A_rotated_refresh_token_is_saved_encrypted_and_used_next_time()
    {
        await using var host = new OAuthTestHost();
        var ct = TestContext.Current.CancellationToken;
        var account = OAuthTestHost.NewAccount(await host.Source.ProtectGrantAsync(Request, User, ct));
        await host.Accounts.SaveAsync(account, ct);

        host.Endpoint.RotateTo = "refresh-token-rotated-b2e1";
        host.Time.Advance(TimeSpan.FromHours(2));
        await host.Source.GetAccessTokenAsync(account, false, ct);
        var saved = host.Accounts.Items[account.Id];
        Assert.NotEqual(account.ProtectedSecret, saved.ProtectedSecret);
        Assert.DoesNotContain("refresh-token-rotated-b2e1", saved.ProtectedSecret!, StringComparison.Ordinal);
        Assert.Equal(account.CredentialStamp, saved.CredentialStamp);

        // A caller still holding the old record must use the rotated refresh token, not the spent one.
        host.Endpoint.RotateTo = null;
        host.Time.Advance(TimeSpan.FromHours(2));
        await host.Source.GetAccessTokenAsync(account, false, ct);
        Assert.Equal("refresh-token-rotated-b2e1", host.Endpoint.Requests.Last().Form["refresh_token"]);
    }

    [Fact]
    public async Task Invalid_grant_is_an_authentication_failure_that_names_the_client_but_not_the_token()
    {
        await using var host = new OAuthTestHost();
        host.Endpoint.Respond = _ => ScriptedTokenEndpoint.Json(HttpStatusCode.BadRequest,
            new { error = "invalid_grant", error_description = $"token {RefreshToken} was revoked" });

        var ex = await Assert.ThrowsAsync<ImapAuthenticationException>(() => host.Source.ProtectGrantAsync(Request, User, TestContext.Current.CancellationToken));
        Assert.Contains("'corp'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("invalid_grant", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(RefreshToken, ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(host.Logs, l => l.Contains(RefreshToken, StringComparison.Ordinal) || l.Contains(OAuthTestHost.ClientSecret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failing_token_endpoint_is_unavailability_not_a_credential_failure()
    {
        await using var host = new OAuthTestHost();
        host.Endpoint.Respond = _ => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        await Assert.ThrowsAsync<ImapUnavailableException>(() => host.Source.ProtectGrantAsync(Request, User, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Basic_client_authentication_sends_the_secret_in_the_header_only()
    {
        await using var host = new OAuthTestHost(settings: new() { ["ImapOAuth:Clients:corp:ClientAuthentication"] = "basic" });
        await host.Source.ProtectGrantAsync(Request, User, TestContext.Current.CancellationToken);
        var (_, form, authorization) = Assert.Single(host.Endpoint.Requests);
        Assert.False(form.ContainsKey("client_secret"));
        Assert.Equal("Basic " + Convert.ToBase64String("gateway-client:client-secret-5d1c"u8.ToArray()), authorization);
    }

    [Theory]
    [InlineData("nobody", RefreshToken, "oauth_client_unknown")]
    [InlineData("corp", null, "oauth_grant_invalid")]
    [InlineData(null, null, "oauth_grant_invalid")]
    public async Task Unusable_oauth_blocks_are_refused_with_a_code(string? client, string? refreshToken, string code)
    {
        await using var host = new OAuthTestHost();
        var ex = await Assert.ThrowsAsync<ImapOAuthRequestException>(() => host.Source.ProtectGrantAsync(
            new ImapOAuthRequest { Client = client, RefreshToken = refreshToken }, User, TestContext.Current.CancellationToken));
        Assert.Equal(code, ex.Code);
        Assert.Empty(host.Endpoint.Requests);
        Assert.DoesNotContain(RefreshToken, new ImapOAuthRequest { Client = client, RefreshToken = RefreshToken }.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_grant_written_with_another_key_ring_is_an_authentication_failure()
    {
        await using var one = new OAuthTestHost();
        await using var other = new OAuthTestHost();
        var account = OAuthTestHost.NewAccount(await one.Source.ProtectGrantAsync(Request, User, TestContext.Current.CancellationToken));
        var ex = await Assert.ThrowsAsync<ImapAuthenticationException>(() => other.Source.GetAccessTokenAsync(account, false, TestContext.Current.CancellationToken).AsTask());
        Assert.Contains("key ring", ex.Message, StringComparison.Ordinal);
    }
}
