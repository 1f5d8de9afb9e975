using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StackExchange.Redis;

namespace MailGateway.IntegrationTests.Security;

/// <summary>Refresh before expiry, once after a rejection, rotation, and revocation.</summary>
public sealed partial class RefreshTokenOAuthTests
{
    [Fact]
    public async Task An_expired_token_is_refreshed_and_reading_goes_on()
    {
        using var client = _app.CreateClient("oauth-rt-owner3");
        _endpoint.Issue = rt => Mint(UserOf(rt), TimeSpan.FromSeconds(4));
        var accountId = await RegisterAsync(client, "user193", NewRefreshToken("user193"));
        Assert.Contains("INBOX", await MailboxPathsAsync(client, accountId));
        Assert.Single(_endpoint.Requests);

        await Task.Delay(TimeSpan.FromSeconds(4.5), _ct);
        await ResetAsync(client, accountId); // drop the pooled connections: the next request logs in again

        Assert.Contains("INBOX", await MailboxPathsAsync(client, accountId));
        Assert.Equal(2, _endpoint.Requests.Count);
        Assert.All(_endpoint.Requests, r => Assert.Equal("refresh_token", r.Form["grant_type"]));

        // The refreshed token is cached in Redis for every instance, encrypted; removing the account removes it.
        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.Env.RedisConfiguration!);
        var cached = (string?)await redis.GetDatabase().StringGetAsync($"mg:oauth:token:{accountId}");
        Assert.NotNull(cached);
        Assert.All(_issued, token => Assert.DoesNotContain(token, cached, StringComparison.Ordinal));
        (await client.DeleteAsync($"/api/v1/accounts/{accountId}", _ct)).Dispose();
        Assert.False(await redis.GetDatabase().KeyExistsAsync($"mg:oauth:token:{accountId}"));
    }

    [Fact]
    public async Task A_token_the_server_rejects_is_refreshed_once_and_the_rotated_refresh_token_is_kept()
    {
        using var client = _app.CreateClient("oauth-rt-owner4");
        // (Dovecot's auth cache keeps accepting a token it accepted once, so "rejected" here means a token never seen
        // before that names another user.) The endpoint announces 2 s: the registration's token goes stale quickly.
        _endpoint.Issue = rt => Mint(UserOf(rt), TimeSpan.FromMinutes(10), reported: TimeSpan.FromSeconds(2));
        var accountId = await RegisterAsync(client, "user194", NewRefreshToken("user194"));
        await Task.Delay(TimeSpan.FromSeconds(2.5), _ct);

        // The refresh brings a token the server rejects, and so does the one forced refresh: 502, no refresh storm.
        _endpoint.Issue = _ => Mint("user193", TimeSpan.FromMinutes(10));
        await ResetAsync(client, accountId);
        using (var refused = await client.GetAsync($"/api/v1/accounts/{accountId}/mailboxes", _ct))
            Assert.Equal(HttpStatusCode.BadGateway, refused.StatusCode);
        Assert.Equal(3, _endpoint.Requests.Count);

        // The cached token is still the rejected one; now the forced refresh brings a good token and rotates the refresh token.
        var rotated = NewRefreshToken("user194");
        _endpoint.RotateTo = rotated;
        _endpoint.Issue = rt => Mint(UserOf(rt), TimeSpan.FromMinutes(10), reported: TimeSpan.FromSeconds(3));
        await ResetAsync(client, accountId);
        Assert.Contains("INBOX", await MailboxPathsAsync(client, accountId));
        Assert.Equal(4, _endpoint.Requests.Count);
        var log = (await SecurityLogAsync(client, accountId)).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal("success", log[0].GetProperty("outcome").GetString());
        Assert.Equal("failure", log[1].GetProperty("outcome").GetString());

        // When that token goes stale, the refresh uses the rotated refresh token saved (encrypted) in the account.
        await Task.Delay(TimeSpan.FromSeconds(3.5), _ct);
        await ResetAsync(client, accountId);
        Assert.Contains("INBOX", await MailboxPathsAsync(client, accountId));
        Assert.Equal(5, _endpoint.Requests.Count);
        Assert.Equal(rotated, _endpoint.Requests.Last().Form["refresh_token"]);
    }

    [Fact]
    public async Task A_revoked_grant_puts_the_account_in_authFailed_without_leaking_secrets()
    {
        using var client = _app.CreateClient("oauth-rt-owner5");
        var refreshToken = NewRefreshToken("user195");

        // Refused at registration: 422, nothing stored.
        _endpoint.RejectWith = "invalid_grant";
        using (var refused = await client.PostAsJsonAsync("/api/v1/accounts", Body("user195", refreshToken), _ct))
        {
            var body = await refused.Content.ReadAsStringAsync(_ct);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            Assert.Contains("imap_auth_failed", body, StringComparison.Ordinal);
            Assert.Contains("invalid_grant", body, StringComparison.Ordinal);
            Assert.DoesNotContain(refreshToken, body, StringComparison.Ordinal);
            Assert.DoesNotContain(ClientSecret, body, StringComparison.Ordinal);
        }

        // Revoked later: the account goes authFailed, requests answer 502 imap_auth_failed.
        _endpoint.RejectWith = null;
        _endpoint.Issue = rt => Mint(UserOf(rt), TimeSpan.FromSeconds(2));
        var accountId = await RegisterAsync(client, "user195", refreshToken);
        _endpoint.RejectWith = "invalid_grant";
        await Task.Delay(TimeSpan.FromSeconds(2.5), _ct);
        await ResetAsync(client, accountId);

        using (var failed = await client.GetAsync($"/api/v1/accounts/{accountId}/mailboxes", _ct))
        {
            var body = await failed.Content.ReadAsStringAsync(_ct);
            Assert.Equal(HttpStatusCode.BadGateway, failed.StatusCode);
            Assert.Contains("imap_auth_failed", body, StringComparison.Ordinal);
            Assert.DoesNotContain(refreshToken, body, StringComparison.Ordinal);
        }
        var account = await client.GetFromJsonAsync<JsonElement>($"/api/v1/accounts/{accountId}", _ct);
        Assert.Equal("authFailed", account.GetProperty("state").GetString());
        Assert.Contains("'dovecot'", account.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        var log = await SecurityLogAsync(client, accountId);
        Assert.Contains(log.GetProperty("items").EnumerateArray(), e => e.GetProperty("outcome").GetString() == "failure"
            && e.GetProperty("detail").GetString()!.Contains("invalid_grant", StringComparison.Ordinal));
        Assert.DoesNotContain(refreshToken, log.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(refreshToken, account.GetRawText(), StringComparison.Ordinal);
    }
}
