using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MailGateway.Api.Accounts;
using MailGateway.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using MailGateway.Api.Shared;

namespace MailGateway.IntegrationTests.Security;

/// <summary>
/// Issue 7 item 1(b) end to end: accounts with no password, only a refresh token of a configured OAuth2 client. The
/// gateway refreshes at a real token endpoint on loopback, which mints JWTs that Dovecot's oauth2 passdb validates,
/// and logs in to Dovecot with SASL XOAUTH2/OAUTHBEARER. Dovecot users user191..user195.
/// </summary>
public sealed partial class RefreshTokenOAuthTests(MailEnvFixture fixture) : IAsyncLifetime
{
    private const string ClientSecret = "oauth-client-secret-91c4e7";
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private LoopbackTokenEndpoint _endpoint = null!;
    private GatewayApp _app = null!;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _issued = new();

    public async ValueTask InitializeAsync()
    {
        fixture.Secrets.Add(ClientSecret);
        _endpoint = await LoopbackTokenEndpoint.StartAsync(_ct);
        _endpoint.Issue = refreshToken => Mint(UserOf(refreshToken), TimeSpan.FromMinutes(10));
        _app = fixture.CreateApp(o =>
        {
            o.Settings["ImapOAuth:Clients:dovecot:TokenEndpoint"] = _endpoint.TokenUrl.ToString();
            o.Settings["ImapOAuth:Clients:dovecot:ClientId"] = "mailgateway-tests";
            o.Settings["ImapOAuth:Clients:dovecot:ClientSecret"] = ClientSecret;
            o.Settings["ImapOAuth:Clients:dovecot:Scope"] = "imap offline_access";
            o.Settings["ImapOAuth:AllowInsecureTokenEndpoint"] = "true"; // plain http on loopback, tests only
            o.Settings["ImapOAuth:RefreshSkew"] = "00:00:01";
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _endpoint.DisposeAsync();
    }

    /// <summary>Refresh tokens in these tests are "rt-{user}-{random}"; the endpoint issues tokens for that user.</summary>
    private string NewRefreshToken(string user)
    {
        var token = $"rt-{user}-{Guid.NewGuid():N}";
        fixture.Secrets.Add(token);
        return token;
    }

    private static string UserOf(string refreshToken) => refreshToken.Split('-')[1];

    /// <param name="reported">The expires_in the endpoint announces (default: the JWT's real lifetime).</param>
    private (string, TimeSpan) Mint(string user, TimeSpan lifetime, TimeSpan? reported = null)
    {
        var jwt = fixture.Env.MintImapOAuthToken(user, lifetime);
        fixture.Secrets.Add(jwt);
        _issued.Enqueue(jwt);
        return (jwt, reported ?? lifetime);
    }

    private object Body(string user, string refreshToken, string mechanism = "xoauth2", string client = "dovecot") => new
    {
        displayName = $"{user} (oauth)",
        email = $"{user}@example.test",
        imap = new
        {
            host = fixture.Env.Host,
            port = fixture.Env.ImapsPort,
            security = "tls",
            username = user,
            oauth = new { mechanism, client, refreshToken },
        },
    };

    private async Task<string> RegisterAsync(HttpClient client, string user, string refreshToken, string mechanism = "xoauth2")
    {
        using var response = await client.PostAsJsonAsync("/api/v1/accounts", Body(user, refreshToken, mechanism), _ct);
        var body = await response.Content.ReadAsStringAsync(_ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        Assert.Equal(mechanism, json.RootElement.GetProperty("imap").GetProperty("auth").GetString());
        return json.RootElement.GetProperty("id").GetString()!;
    }

    private async Task<List<string>> MailboxPathsAsync(HttpClient client, string accountId)
    {
        using var response = await client.GetAsync($"/api/v1/accounts/{accountId}/mailboxes", _ct);
        var body = await response.Content.ReadAsStringAsync(_ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        var items = json.RootElement.ValueKind == JsonValueKind.Array ? json.RootElement : json.RootElement.GetProperty("items");
        return [.. items.EnumerateArray().Select(m => m.GetProperty("path").GetString()!)];
    }

    private async Task<JsonElement> SecurityLogAsync(HttpClient client, string accountId)
    {
        using var response = await client.GetAsync($"/api/v1/accounts/{accountId}/security-log", _ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(_ct)).RootElement.Clone();
    }

    private async Task ResetAsync(HttpClient client, string accountId)
    {
        using var response = await client.PostAsync($"/api/v1/accounts/{accountId}/reset", null, _ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task An_account_with_only_a_refresh_token_reads_its_mailboxes_over_XOAUTH2()
    {
        using var client = _app.CreateClient("oauth-rt-owner1");
        var refreshToken = NewRefreshToken("user191");

        var accountId = await RegisterAsync(client, "user191", refreshToken);

        var request = Assert.Single(_endpoint.Requests);
        Assert.StartsWith("application/x-www-form-urlencoded", request.ContentType, StringComparison.Ordinal);
        Assert.Equal("refresh_token", request.Form["grant_type"]);
        Assert.Equal(refreshToken, request.Form["refresh_token"]);
        Assert.Equal("mailgateway-tests", request.Form["client_id"]);
        Assert.Equal(ClientSecret, request.Form["client_secret"]);
        Assert.Equal("imap offline_access", request.Form["scope"]);

        Assert.Contains("INBOX", await MailboxPathsAsync(client, accountId));
        var log = await SecurityLogAsync(client, accountId);
        Assert.Contains(log.GetProperty("items").EnumerateArray(),
            e => e.GetProperty("outcome").GetString() == "success" && e.GetProperty("mechanism").GetString() == "XOAUTH2");
        Assert.Single(_endpoint.Requests); // the registration's token served the logins
    }

    [Fact]
    public async Task OAUTHBEARER_works_the_same_way()
    {
        using var client = _app.CreateClient("oauth-rt-owner2");
        var accountId = await RegisterAsync(client, "user192", NewRefreshToken("user192"), mechanism: "oauthbearer");
        Assert.Contains("INBOX", await MailboxPathsAsync(client, accountId));
        var log = await SecurityLogAsync(client, accountId);
        Assert.Contains(log.GetProperty("items").EnumerateArray(),
            e => e.GetProperty("outcome").GetString() == "success" && e.GetProperty("mechanism").GetString() == "OAUTHBEARER");
    }

    [Fact]
    public async Task A_password_account_can_switch_to_a_refresh_token_and_then_stores_no_password()
    {
        using var client = _app.CreateClient("oauth-rt-owner7");
        var accountId = await _app.RegisterAccountAsync(client, "user191", _ct);
        var refreshToken = NewRefreshToken("user191");

        using (var patched = await client.PatchAsJsonAsync($"/api/v1/accounts/{accountId}",
            new { oauth = new { mechanism = "xoauth2", client = "dovecot", refreshToken } }, _ct))
        {
            var body = await patched.Content.ReadAsStringAsync(_ct);
            Assert.True(patched.StatusCode == HttpStatusCode.OK, $"{(int)patched.StatusCode}: {body}");
            Assert.Contains("\"auth\":\"xoauth2\"", body, StringComparison.Ordinal);
        }
        Assert.Contains("INBOX", await MailboxPathsAsync(client, accountId));

        var stored = await _app.Services.GetRequiredService<IAccountStore>().GetAsync(accountId, _ct);
        var secret = _app.Services.GetRequiredService<CredentialProtector>().Unprotect(stored!.ProtectedSecret!);
        Assert.Null(secret.Password);
        Assert.Equal("dovecot", secret.Client);
        Assert.Equal(refreshToken, secret.RefreshToken);
        Assert.DoesNotContain(refreshToken, stored.ProtectedSecret!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_client_is_a_400_with_a_stable_code()
    {
        using var client = _app.CreateClient("oauth-rt-owner6");
        using var response = await client.PostAsJsonAsync("/api/v1/accounts", new
        {
            displayName = "x", email = "user191@example.test",
            imap = new { host = fixture.Env.Host, port = fixture.Env.ImapsPort, username = "user191", oauth = new { client = "nope", refreshToken = "rt-user191-x" } },
        }, _ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("oauth_client_unknown", await response.Content.ReadAsStringAsync(_ct), StringComparison.Ordinal);
    }
}
