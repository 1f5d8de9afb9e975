using System.Net;
using MailGateway.IntegrationTests.Events;
using MailGateway.IntegrationTests.Infrastructure;

namespace MailGateway.IntegrationTests.Security;

/// <summary>A login the IMAP server rejects is recorded, stops further logins and is announced to subscribers.</summary>
public sealed class AuthFailureEventTests(MailEnvFixture fixture) : IAsyncLifetime
{
    private const string User = "user140";
    private GatewayApp _app = null!;

    public ValueTask InitializeAsync()
    {
        _app = fixture.CreateApp(o => fixture.RedisNamespaceFor(typeof(AuthFailureEventTests)).ApplyTo(o.Settings));
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await fixture.Env.SetPasswordAsync(User, null, CancellationToken.None);
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task A_rejected_login_is_announced_as_account_authFailed_and_not_retried()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = _app.CreateClient("authfail-owner");
        var accountId = await _app.RegisterAccountAsync(http, User, ct);
        await using var client = await EventClient.ConnectAsync(_app, _app.CreateToken("authfail-owner"), ct);
        await client.SubscribeAsync(accountId, ct);

        // The password changes on the server behind the gateway's back; the next pooled login is refused.
        await fixture.Env.SetPasswordAsync(User, "changed-elsewhere", ct);
        (await http.PostAsync($"/api/v1/accounts/{accountId}/reset", null, ct)).Dispose();
        var loginsBefore = fixture.Env.CountLogins(User);
        using (var refused = await http.GetAsync($"/api/v1/accounts/{accountId}/mailboxes", ct))
        {
            Assert.Equal(HttpStatusCode.BadGateway, refused.StatusCode);
            Assert.Contains("imap_auth_failed", await refused.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        }

        var announced = await client.WaitForAsync("account.authFailed");
        Assert.Equal(accountId, announced.GetProperty("accountId").GetString());

        // No login storm: further requests fail at once without asking the server again.
        for (var i = 0; i < 5; i++)
            (await http.GetAsync($"/api/v1/accounts/{accountId}/mailboxes", ct)).Dispose();
        Assert.Equal(loginsBefore, fixture.Env.CountLogins(User));
        var log = await http.GetStringAsync($"/api/v1/accounts/{accountId}/security-log", ct);
        Assert.Contains("failure", log, StringComparison.Ordinal);
        Assert.DoesNotContain("changed-elsewhere", log, StringComparison.Ordinal);
    }
}
