using System.Security.Claims;
using MailGateway.Api.Accounts;
using MailGateway.Imap;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Identity.Client;
using Microsoft.Identity.Web;

using MailGateway.Tests.Shared;

namespace MailGateway.Api.Tests.Security;

public class OnBehalfOfSourceTests
{
    private static readonly ClaimsPrincipal EntraUser = new(new ClaimsIdentity(
        [new Claim("tid", "t1"), new Claim("oid", "o1"), new Claim("scp", "Mail.Read")], "Bearer"));

    private static readonly OAuthSettingsRequest OnBehalfOf = new("xoauth2", null, OnBehalfOf: true);

    private static (OAuthTestHost Host, FakeTokenAcquisition Fake, HttpContextAccessor Http) Create()
    {
        var http = new HttpContextAccessor();
        var n = 0;
        var fake = new FakeTokenAcquisition(() => $"exo-access-token-{Interlocked.Increment(ref n)}", http);
        var host = new OAuthTestHost(s => s.AddSingleton<ITokenAcquisition>(fake));
        return (host, fake, http);
    }

    [Fact]
    public async Task Registration_starts_a_long_running_session_for_Exchange_Online_with_the_callers_token()
    {
        var (host, fake, _) = Create();
        await using var _ = host;
        var account = await host.RegisterAsync(OnBehalfOf, EntraUser);

        var call = Assert.Single(fake.Calls);
        Assert.Equal(["https://outlook.office.com/IMAP.AccessAsUser.All"], call.Scopes);
        Assert.Same(EntraUser, call.User);
        Assert.Equal(TokenAcquisitionOptions.LongRunningWebApiSessionKeyAuto, call.SessionKeyIn);
        Assert.DoesNotContain(call.SessionKeyOut!, account.ProtectedSecret!, StringComparison.Ordinal);
        var stored = host.Protector.Unprotect(account.ProtectedSecret!);
        Assert.Equal(call.SessionKeyOut, stored.SessionKey);
        Assert.Equal("exo-access-token-1", stored.AccessToken); // verifies the account without a second acquisition
        Assert.Null(stored.Password);
    }

    [Fact]
    public async Task Logins_use_the_session_key_without_any_user_or_ambient_request()
    {
        var (host, fake, http) = Create();
        await using var _ = host;
        var account = await host.RegisterAsync(OnBehalfOf, EntraUser);
        var sessionKey = fake.Calls.Single().SessionKeyOut;

        // Someone else's request is in flight on this async flow (an admin reading the account, say).
        http.HttpContext = new DefaultHttpContext { User = new ClaimsPrincipal(new ClaimsIdentity([new Claim("oid", "admin")], "Bearer")) };
        var token = await host.TokenAsync(account);
        var forced = await host.TokenAsync(account, forceRefresh: true);

        Assert.Equal("exo-access-token-2", token);
        Assert.Equal("exo-access-token-3", forced);
        var logins = fake.Calls.Skip(1).ToList();
        Assert.All(logins, c =>
        {
            Assert.Equal(["https://outlook.office.com/IMAP.AccessAsUser.All"], c.Scopes);
            Assert.Null(c.User);
            Assert.False(c.HadHttpContext);
            Assert.Equal(sessionKey, c.SessionKeyIn);
        });
        Assert.Equal([false, true], logins.Select(c => c.ForceRefresh));
    }

    [Fact]
    public async Task App_only_callers_cannot_use_on_behalf_of()
    {
        var (host, fake, _) = Create();
        await using var _ = host;
        var app = new ClaimsPrincipal(new ClaimsIdentity([new Claim("tid", "t1"), new Claim("oid", "o1"), new Claim("roles", "Mail.Read")], "Bearer"));
        var ex = await Assert.ThrowsAsync<ImapOAuthRequestException>(() =>
            host.RegisterAsync(OnBehalfOf, app));
        Assert.Equal("oauth_on_behalf_of_unavailable", ex.Code);
        Assert.Empty(fake.Calls);
    }

    [Fact]
    public async Task Without_token_acquisition_on_behalf_of_is_refused_as_unavailable()
    {
        await using var host = new OAuthTestHost();
        var ex = await Assert.ThrowsAsync<ImapOAuthRequestException>(() =>
            host.RegisterAsync(OnBehalfOf, EntraUser));
        Assert.Equal("oauth_on_behalf_of_unavailable", ex.Code);
    }

    [Fact]
    public async Task Consent_or_sign_in_required_is_an_authentication_failure()
    {
        var (host, fake, _) = Create();
        await using var _ = host;
        var account = await host.RegisterAsync(OnBehalfOf, EntraUser);
        fake.Fail = new MsalUiRequiredException("invalid_grant", "AADSTS65001: consent required");
        var ex = await Assert.ThrowsAsync<ImapAuthenticationException>(() => host.TokenAsync(account));
        Assert.Contains("invalid_grant", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Both_kinds_of_grant_at_once_are_refused()
    {
        var (host, _, _) = Create();
        await using var _ = host;
        var ex = await Assert.ThrowsAsync<ImapOAuthRequestException>(() => host.RegisterAsync(
            new OAuthSettingsRequest("xoauth2", null, "x", Client: "corp", OnBehalfOf: true), EntraUser));
        Assert.Equal("oauth_grant_invalid", ex.Code);
    }
}
