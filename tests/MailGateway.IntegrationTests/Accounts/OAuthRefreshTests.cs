using System.Net;
using System.Net.Http.Json;
using MailGateway.Api.Accounts;
using MailGateway.Imap;
using MailGateway.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MailGateway.Api.Shared;

namespace MailGateway.IntegrationTests.Accounts;

/// <summary>OAuth2 to IMAP without a stored password: a refresh token, a token endpoint this test runs, and Dovecot's
/// oauth2 passdb validating the JWTs (users user118-user120).</summary>
public sealed class OAuthRefreshTests(MailEnvFixture fixture) : IAsyncLifetime
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private WebApplication _tokenEndpoint = null!;
    private int _calls;
    private string _endpointUrl = "";

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _tokenEndpoint = builder.Build();
        _tokenEndpoint.MapPost("/token", async (HttpRequest request) =>
        {
            Interlocked.Increment(ref _calls);
            var form = await request.ReadFormAsync();
            var refresh = form["refresh_token"].ToString();
            if (form["grant_type"] != "refresh_token" || form["client_id"] != "mg-test" || form["client_secret"] != "mg-client-secret"
                || !refresh.StartsWith("rt-", StringComparison.Ordinal))
                return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
            var user = refresh.Split('-')[1];
            var token = fixture.Env.MintImapOAuthToken(user, TimeSpan.FromMinutes(10));
            fixture.Secrets.Add(token);
            return Results.Json(new { access_token = token, token_type = "Bearer", expires_in = 600, refresh_token = $"rt-{user}-rotated" });
        });
        await _tokenEndpoint.StartAsync(_ct);
        _endpointUrl = _tokenEndpoint.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/token";
        foreach (var secret in new[] { "mg-client-secret", "rt-user118", "rt-user119", "rt-user120", "rt-user118-rotated", "rt-user119-rotated" })
            fixture.Secrets.Add(secret);
    }

    public async ValueTask DisposeAsync() => await _tokenEndpoint.DisposeAsync();

    private GatewayApp CreateApp() => fixture.CreateApp(o =>
    {
        o.UseRedis = false;
        o.Settings["Accounts:OAuth:TokenEndpoint"] = _endpointUrl;
        o.Settings["Accounts:OAuth:ClientId"] = "mg-test";
        o.Settings["Accounts:OAuth:ClientSecret"] = "mg-client-secret";
        o.Settings["ImapOAuth:AllowInsecureTokenEndpoint"] = "true"; // the test's endpoint is plain http on loopback
    });

    private static object Body(GatewayApp app, string user, string mechanism, string? accessToken, string refreshToken) => new
    {
        displayName = user, email = $"{user}@example.test",
        imap = new
        {
            host = app.Env.Host, port = app.Env.ImapsPort, security = "tls", username = user,
            oauth = new { mechanism, accessToken, refreshToken, expiresAt = DateTimeOffset.UtcNow.AddHours(1) },
        },
    };

    [Fact]
    public async Task Refresh_token_account_logs_in_and_rotated_tokens_are_stored_encrypted()
    {
        await using var app = CreateApp();
        using var client = app.CreateClient("oauth-owner");
        using var created = await client.PostAsJsonAsync("/api/v1/accounts", Body(app, "user118", "oauthbearer", null, "rt-user118"), _ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("oauthbearer", (await created.JsonAsync(_ct)).GetProperty("imap").GetProperty("auth").GetString());
        var id = (await created.JsonAsync(_ct)).GetProperty("id").GetString()!;
        Assert.Equal(1, _calls);

        // The first pooled login refreshes (registration stored only the refresh token) and keeps the result.
        var pool = app.Services.GetRequiredService<IImapSessionPool>();
        var store = app.Services.GetRequiredService<IAccountStore>();
        var account = (await store.GetAsync(id, _ct))!;
        await using (await pool.RentAsync(account.ToImapAccount(), _ct)) { }
        Assert.Equal(2, _calls);
        var stored = (await store.GetAsync(id, _ct))!;
        Assert.DoesNotContain("rt-user118", stored.ProtectedSecret);
        var secret = app.Services.GetRequiredService<CredentialProtector>().Unprotect(stored.ProtectedSecret!);
        Assert.Equal("rt-user118-rotated", secret.RefreshToken);

        // A new connection uses the stored, still valid token: no refresh.
        await pool.ResetAsync(id, _ct);
        await using (await pool.RentAsync(stored.ToImapAccount(), _ct)) { }
        Assert.Equal(2, _calls);
    }

    [Fact]
    public async Task A_rejected_access_token_is_refreshed_once_and_the_login_succeeds()
    {
        await using var app = CreateApp();
        using var client = app.CreateClient("oauth-rejected");
        var before = _calls;
        using var created = await client.PostAsJsonAsync("/api/v1/accounts", Body(app, "user119", "xoauth2", "not-a-valid-jwt", "rt-user119"), _ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(before + 1, _calls);
    }

    [Fact]
    public async Task A_refused_refresh_token_is_422_imap_auth_failed()
    {
        await using var app = CreateApp();
        using var client = app.CreateClient("oauth-refused");
        using var created = await client.PostAsJsonAsync("/api/v1/accounts", Body(app, "user120", "oauthbearer", null, "revoked-token-120"), _ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, created.StatusCode);
        Assert.Equal("imap_auth_failed", await created.ProblemCodeAsync(_ct));
    }
}
