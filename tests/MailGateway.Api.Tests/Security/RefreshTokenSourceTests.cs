using System.Net;
using System.Security.Claims;
using MailGateway.Api.Accounts;
using MailGateway.Imap;

namespace MailGateway.Api.Tests.Security;

public class RefreshTokenSourceTests
{
    private const string RefreshToken = "refresh-token-7f3a9c";
    private static readonly ClaimsPrincipal User = new(new ClaimsIdentity([new Claim("sub", "u1")], "test"));
    private static readonly OAuthSettingsRequest Request = new("xoauth2", null, RefreshToken, Client: "corp");

    [Fact]
    public async Task Registration_refreshes_once_with_the_client_credentials_and_the_first_login_reuses_that_token()
    {
        await using var host = new OAuthTestHost();
        var account = await host.RegisterAsync(Request, User);

        var (url, form, authorization) = Assert.Single(host.Endpoint.Requests);
        Assert.Equal("https://login.example.test/oauth2/token", url.ToString());
        Assert.Equal("refresh_token", form["grant_type"]);
        Assert.Equal(RefreshToken, form["refresh_token"]);
        Assert.Equal("gateway-client", form["client_id"]);
        Assert.Equal(OAuthTestHost.ClientSecret, form["client_secret"]);
        Assert.Equal("imap offline_access", form["scope"]);
        Assert.Null(authorization);
        Assert.DoesNotContain(RefreshToken, account.ProtectedSecret!, StringComparison.Ordinal);

        Assert.Equal("access-token-1", await host.TokenAsync(account));
        Assert.Single(host.Endpoint.Requests);
    }

    [Fact]
    public async Task A_token_is_cached_until_the_skew_before_expiry_then_refreshed()
    {
        await using var host = new OAuthTestHost();
        var account = await host.RegisterAsync(Request, User);

        host.Time.Advance(TimeSpan.FromMinutes(58)); // 2 minutes left, skew is 1 minute: still good
        Assert.Equal("access-token-1", await host.TokenAsync(account));
        host.Time.Advance(TimeSpan.FromSeconds(61)); // inside the skew
        Assert.Equal("access-token-2", await host.TokenAsync(account));
        Assert.Equal("access-token-2", await host.TokenAsync(account));
        Assert.Equal(2, host.Endpoint.Requests.Count);
    }

    [Fact]
    public async Task A_forced_refresh_after_an_authentication_failure_gets_a_new_token()
    {
        await using var host = new OAuthTestHost();
        var account = await host.RegisterAsync(Request, User);

        Assert.Equal("access-token-1", await host.TokenAsync(account));
        Assert.Equal("access-token-2", await host.TokenAsync(account, forceRefresh: true));
        Assert.Equal("access-token-2", await host.TokenAsync(account));
    }

    [Fact]
    public async Task A_changed_credential_stamp_never_gets_the_old_cached_token()
    {
        await using var host = new OAuthTestHost();
        var account = await host.RegisterAsync(Request, User);
        Assert.Equal("access-token-2", await host.TokenAsync(account, forceRefresh: true));
        var newGrant = host.Protector.Unprotect(account.ProtectedSecret!) with { AccessToken = null, ExpiresAt = null };
        var replaced = account with { CredentialStamp = "s2", ProtectedSecret = host.Protector.Protect(newGrant) };
        await host.Accounts.SaveAsync(replaced, TestContext.Current.CancellationToken);
        Assert.Equal("access-token-3", await host.TokenAsync(replaced));
    }

    [Fact]
    public async Task A_removed_account_leaves_no_cached_token_behind()
    {
        await using var host = new OAuthTestHost();
        var account = await host.RegisterAsync(Request, User);
        Assert.Equal("access-token-2", await host.TokenAsync(account, forceRefresh: true));
        await host.Grants.ForgetAsync(account.Id, TestContext.Current.CancellationToken);
        var withoutSeed = account with { ProtectedSecret = host.Protector.Protect(host.Protector.Unprotect(account.ProtectedSecret!) with { AccessToken = null }) };
        await host.Accounts.SaveAsync(withoutSeed, TestContext.Current.CancellationToken);
        Assert.Equal("access-token-3", await host.TokenAsync(withoutSeed));
    }

    [Fact]
    public async Task Concurrent_logins_share_one_refresh()
    {
        await using var host = new OAuthTestHost();
        var account = await host.RegisterAsync(Request, User);
        host.Time.Advance(TimeSpan.FromHours(2));
        host.Endpoint.Delay = TimeSpan.FromMilliseconds(100);

        var tokens = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => host.TokenAsync(account)));

        Assert.All(tokens, t => Assert.Equal("access-token-2", t));
        Assert.Equal(2, host.Endpoint.Requests.Count);
    }

    [Fact]
    public async Task A_rotated_refresh_token_is_saved_encrypted_and_used_next_time()
    {
        await using var host = new OAuthTestHost();
        var account = await host.RegisterAsync(Request, User);

        host.Endpoint.RotateTo = "refresh-token-rotated-b2e1";
        host.Time.Advance(TimeSpan.FromHours(2));
        await host.TokenAsync(account);
        var saved = host.Accounts.Items[account.Id];
        Assert.NotEqual(account.ProtectedSecret, saved.ProtectedSecret);
        Assert.DoesNotContain("refresh-token-rotated-b2e1", saved.ProtectedSecret!, StringComparison.Ordinal);
        Assert.Equal("refresh-token-rotated-b2e1", host.Protector.Unprotect(saved.ProtectedSecret!).RefreshToken);
        Assert.Equal(account.CredentialStamp, saved.CredentialStamp);

        // A caller still holding the old record must use the rotated refresh token, not the spent one.
        host.Endpoint.RotateTo = null;
        host.Time.Advance(TimeSpan.FromHours(2));
        await host.TokenAsync(account);
        Assert.Equal("refresh-token-rotated-b2e1", host.Endpoint.Requests.Last().Form["refresh_token"]);
    }

    [Fact]
    public async Task Invalid_grant_is_an_authentication_failure_that_names_the_client_but_not_the_token()
    {
        await using var host = new OAuthTestHost();
        host.Endpoint.Respond = _ => ScriptedTokenEndpoint.Json(HttpStatusCode.BadRequest,
            new { error = "invalid_grant", error_description = $"token {RefreshToken} was revoked" });

        var ex = await Assert.ThrowsAsync<ImapAuthenticationException>(() => host.RegisterAsync(Request, User));
        Assert.Contains("'corp'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("invalid_grant", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(RefreshToken, ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(host.Logs, l => l.Contains(RefreshToken, StringComparison.Ordinal) || l.Contains(OAuthTestHost.ClientSecret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_revoked_grant_after_registration_fails_the_login_as_an_authentication_failure()
    {
        await using var host = new OAuthTestHost();
        var account = await host.RegisterAsync(Request, User);
        host.Endpoint.Respond = _ => ScriptedTokenEndpoint.Json(HttpStatusCode.BadRequest, new { error = "invalid_grant" });
        await Assert.ThrowsAsync<ImapAuthenticationException>(() => host.TokenAsync(account, forceRefresh: true));
    }

    [Fact]
    public async Task A_failing_token_endpoint_is_unavailability_not_a_credential_failure()
    {
        await using var host = new OAuthTestHost();
        host.Endpoint.Respond = _ => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        await Assert.ThrowsAsync<ImapUnavailableException>(() => host.RegisterAsync(Request, User));
    }

    [Fact]
    public async Task Basic_client_authentication_sends_the_secret_in_the_header_only()
    {
        await using var host = new OAuthTestHost(settings: new() { ["ImapOAuth:Clients:corp:ClientAuthentication"] = "basic" });
        await host.RegisterAsync(Request, User);
        var (_, form, authorization) = Assert.Single(host.Endpoint.Requests);
        Assert.False(form.ContainsKey("client_secret"));
        Assert.Equal("Basic " + Convert.ToBase64String("gateway-client:client-secret-5d1c"u8.ToArray()), authorization);
    }

    [Theory]
    [InlineData("nobody", RefreshToken, null, "oauth_client_unknown")]
    [InlineData("corp", null, null, "oauth_grant_invalid")]
    [InlineData("corp", RefreshToken, "static-access-token", "oauth_grant_invalid")]
    public async Task Unusable_oauth_blocks_are_refused_with_a_code(string? client, string? refreshToken, string? accessToken, string code)
    {
        await using var host = new OAuthTestHost();
        var ex = await Assert.ThrowsAsync<ImapOAuthRequestException>(() =>
            host.RegisterAsync(new OAuthSettingsRequest("xoauth2", accessToken, refreshToken, Client: client), User));
        Assert.Equal(code, ex.Code);
        Assert.Empty(host.Endpoint.Requests);
    }

    [Fact]
    public async Task Accounts_with_a_static_access_token_or_a_password_are_left_to_the_credential_provider()
    {
        await using var host = new OAuthTestHost();
        var staticToken = OAuthTestHost.NewAccount(host.Protector.Protect(new StoredSecret(AccessToken: "static")));
        var password = OAuthTestHost.NewAccount(host.Protector.Protect(new StoredSecret(Password: "pw"))) with { Mechanism = ImapAuthMechanism.Password };
        Assert.Null(await host.TokenAsync(staticToken));
        Assert.Null(await host.TokenAsync(password));
    }
}
