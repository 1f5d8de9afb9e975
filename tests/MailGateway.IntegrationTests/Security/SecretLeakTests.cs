using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Testing;
using StackExchange.Redis;

namespace MailGateway.IntegrationTests.Security;

/// <summary>
/// Issue 7: "no secret found in any captured log output of the whole test run". Runs the OAuth and password flows
/// that handle secrets (refresh, rotation, rejection, wrong password), then scans every log line every gateway of
/// this run has written so far (the harness's capture) for every secret the run used: Dovecot passwords, refresh
/// tokens, access tokens, client secrets, API bearer tokens, signing keys. The fixture repeats the scan over the
/// complete run when it stops. Dovecot users user197, user198.
/// </summary>
public sealed class SecretLeakTests(MailEnvFixture fixture)
{
    private const string ClientSecret = "leak-scan-client-secret-3b8f";
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task No_password_or_token_appears_in_any_captured_log_line_or_at_rest_in_Redis()
    {
        fixture.Secrets.Add(ClientSecret);
        await using var endpoint = await LoopbackTokenEndpoint.StartAsync(_ct);
        endpoint.Issue = _ =>
        {
            var jwt = fixture.Env.MintImapOAuthToken("user197", TimeSpan.FromMinutes(10));
            fixture.Secrets.Add(jwt);
            return (jwt, TimeSpan.FromSeconds(2));
        };
        await using var app = fixture.CreateApp(o =>
        {
            o.Settings["ImapOAuth:Clients:scan:TokenEndpoint"] = endpoint.TokenUrl.ToString();
            o.Settings["ImapOAuth:Clients:scan:ClientId"] = "leak-scan";
            o.Settings["ImapOAuth:Clients:scan:ClientSecret"] = ClientSecret;
            o.Settings["ImapOAuth:AllowInsecureTokenEndpoint"] = "true";
            o.Settings["ImapOAuth:RefreshSkew"] = "00:00:01";
        });
        using var client = app.CreateClient("leak-scanner");
        var logLinesBefore = fixture.Logs.Count;

        // OAuth: register with a refresh token, read, let the token go stale, refresh with rotation, then revoke.
        var refreshToken = Secret($"rt-leak-{Guid.NewGuid():N}");
        var rotated = Secret($"rt-leak-rotated-{Guid.NewGuid():N}");
        var accountId = await CreateAsync(client, OAuthBody("user197", refreshToken));
        await ReadMailboxesAsync(client, accountId, HttpStatusCode.OK);
        endpoint.RotateTo = rotated;
        await Task.Delay(TimeSpan.FromSeconds(2.5), _ct);
        await ResetAsync(client, accountId);
        await ReadMailboxesAsync(client, accountId, HttpStatusCode.OK);
        endpoint.RejectWith = "invalid_grant";
        await Task.Delay(TimeSpan.FromSeconds(2.5), _ct);
        await ResetAsync(client, accountId);
        await ReadMailboxesAsync(client, accountId, HttpStatusCode.BadGateway);
        Assert.Equal(rotated, endpoint.Requests.Last().Form["refresh_token"]);

        // Passwords: a wrong one refused by Dovecot, then the right one.
        var wrongPassword = Secret($"wrong-password-{Guid.NewGuid():N}");
        using (var refused = await client.PostAsJsonAsync("/api/v1/accounts", app.AccountBody("user198", password: wrongPassword), _ct))
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var passwordAccount = await app.RegisterAccountAsync(client, "user198", _ct);
        await ReadMailboxesAsync(client, passwordAccount, HttpStatusCode.OK);

        // The capture saw these flows (so finding nothing means something): token refreshes, logins, the rejection.
        var lines = fixture.Logs.Since(logLinesBefore);
        Assert.Contains(lines, l => l.Contains("OAuth client scan issued an access token", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("invalid_grant", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(accountId, StringComparison.Ordinal));

        // The scan: every line of every gateway of the run so far, every secret of the run so far.
        var leaks = fixture.FindSecretsInLogs();
        Assert.True(leaks.Count == 0, $"{leaks.Count} log line(s) contain a secret; first starts with: {leaks.FirstOrDefault()?[..Math.Min(80, leaks[0].Length)]}");
        Assert.Empty(fixture.FindSecretsInResponses());

        // At rest: nothing under mg:* in Redis holds a token or password in clear (accounts, token cache, key ring).
        var plaintext = await FindInRedisAsync([refreshToken, rotated, ClientSecret, wrongPassword, MailEnvironment.PasswordOf("user198"),
            .. fixture.Secrets.Where(s => s.StartsWith("eyJ", StringComparison.Ordinal))]);
        Assert.Empty(plaintext);
    }

    private string Secret(string value)
    {
        fixture.Secrets.Add(value);
        return value;
    }

    private object OAuthBody(string user, string refreshToken) => new
    {
        displayName = $"{user} (leak scan)",
        email = $"{user}@example.test",
        imap = new
        {
            host = fixture.Env.Host, port = fixture.Env.ImapsPort, security = "tls", username = user,
            oauth = new { mechanism = "xoauth2", client = "scan", refreshToken },
        },
    };

    private async Task<string> CreateAsync(HttpClient client, object body)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/accounts", body, _ct);
        var text = await response.Content.ReadAsStringAsync(_ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
    }

    private async Task ReadMailboxesAsync(HttpClient client, string accountId, HttpStatusCode expected)
    {
        using var response = await client.GetAsync($"/api/v1/accounts/{accountId}/mailboxes", _ct);
        Assert.Equal(expected, response.StatusCode);
    }

    private async Task ResetAsync(HttpClient client, string accountId)
    {
        using var response = await client.PostAsync($"/api/v1/accounts/{accountId}/reset", null, _ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<List<string>> FindInRedisAsync(IReadOnlyCollection<string> secrets)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.Env.RedisConfiguration!);
        var db = redis.GetDatabase();
        var found = new List<string>();
        // Every primary (a Redis Cluster spreads the keys), every prefix (test classes have their own on a cluster).
        foreach (var key in redis.GetServers().Where(s => !s.IsReplica).SelectMany(s => s.Keys(pattern: "*mg:*")))
        {
            var values = await db.KeyTypeAsync(key) switch
            {
                RedisType.String => [(string?)await db.StringGetAsync(key)],
                RedisType.Hash => (await db.HashGetAllAsync(key)).Select(e => (string?)e.Value).ToList(),
                RedisType.List => (await db.ListRangeAsync(key)).Select(v => (string?)v).ToList(),
                RedisType.Stream => (await db.StreamRangeAsync(key)).SelectMany(e => e.Values).Select(v => (string?)v.Value).ToList(),
                _ => new List<string?>(),
            };
            if (values.Any(v => v is not null && secrets.Any(s => v.Contains(s, StringComparison.Ordinal))))
                found.Add(key.ToString());
        }
        return found;
    }
}
