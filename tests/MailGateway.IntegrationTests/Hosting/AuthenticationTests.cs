using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Testing;

namespace MailGateway.IntegrationTests.Hosting;

public class AuthenticationTests(MailEnvFixture fixture)
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private async Task<string> CodeOf(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(_ct));
        return json.RootElement.GetProperty("code").GetString()!;
    }

    [Fact]
    public async Task Missing_token_is_401_problem_with_challenge()
    {
        using var client = fixture.App.CreateAnonymousClient();
        using var response = await client.GetAsync("/api/v1/accounts", _ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("unauthorized", await CodeOf(response));
    }

    [Fact]
    public async Task Token_signed_with_another_key_is_401()
    {
        using var client = fixture.App.CreateAnonymousClient();
        var forged = DevTokens.Create("another-key-another-key-another-key-123", "auth-forger");
        fixture.Secrets.Add(forged);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", forged);
        using var response = await client.GetAsync("/api/v1/accounts", _ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("unauthorized", await CodeOf(response));
    }

    [Fact]
    public async Task Expired_token_is_401()
    {
        using var client = fixture.App.CreateAnonymousClient();
        var expired = fixture.App.CreateToken("auth-expired", lifetime: TimeSpan.FromMinutes(-5));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", expired);
        using var response = await client.GetAsync("/api/v1/accounts", _ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Mail_Read_alone_may_list_but_not_register()
    {
        using var client = fixture.App.CreateClient("auth-reader", scopes: "Mail.Read");
        using var list = await client.GetAsync("/api/v1/accounts", _ct);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);

        using var create = await client.PostAsJsonAsync("/api/v1/accounts", fixture.App.AccountBody("user150"), _ct);
        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        Assert.Equal("insufficient_scope", await CodeOf(create));
        // Denied requests are logged with the caller (never the token).
        Assert.Contains(fixture.Logs.Lines, l => l.Contains("API request denied (insufficient_scope) for caller iss:mailgateway-dev/sub:auth-reader", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Mail_ReadWrite_includes_Mail_Read()
    {
        using var client = fixture.App.CreateClient("auth-writer", scopes: "Mail.ReadWrite");
        using var list = await client.GetAsync("/api/v1/accounts", _ct);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
    }

    [Fact]
    public async Task A_token_without_mail_scopes_is_403()
    {
        using var client = fixture.App.CreateClient("auth-webhooks-only", scopes: "Webhooks.ReadWrite");
        using var list = await client.GetAsync("/api/v1/accounts", _ct);
        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        Assert.Equal("insufficient_scope", await CodeOf(list));
    }

    [Fact]
    public async Task App_role_grants_the_permission()
    {
        using var client = fixture.App.CreateClient("auth-daemon", scopes: "", roles: ["Mail.Read"]);
        using var list = await client.GetAsync("/api/v1/accounts", _ct);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
    }

    [Fact]
    public async Task Mfa_policy_refuses_tokens_without_mfa_and_accepts_tokens_with_it()
    {
        await using var app = fixture.CreateApp(o =>
        {
            o.UseRedis = false;
            o.Settings["Authentication:RequireMfa"] = "true";
        });
        using var withoutMfa = app.CreateClient("auth-mfa", amr: ["pwd"]);
        using var refused = await withoutMfa.GetAsync("/api/v1/accounts", _ct);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("mfa_required", await CodeOf(refused));

        using var noAmr = app.CreateClient("auth-mfa");
        using var refusedToo = await noAmr.GetAsync("/api/v1/accounts", _ct);
        Assert.Equal(HttpStatusCode.Forbidden, refusedToo.StatusCode);

        using var withMfa = app.CreateClient("auth-mfa", amr: ["pwd", "mfa"]);
        using var accepted = await withMfa.GetAsync("/api/v1/accounts", _ct);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task Mfa_can_be_required_for_one_permission_only()
    {
        await using var app = fixture.CreateApp(o =>
        {
            o.UseRedis = false;
            o.Settings["Authentication:RequireMfaFor:0"] = "Mail.ReadWrite";
        });
        using var client = app.CreateClient("auth-mfa-write");
        using var read = await client.GetAsync("/api/v1/accounts", _ct);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        using var write = await client.PostAsJsonAsync("/api/v1/accounts", app.AccountBody("user151"), _ct);
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        Assert.Equal("mfa_required", await CodeOf(write));
    }

    [Fact]
    public void Development_provider_is_refused_outside_Development()
    {
        using var app = fixture.CreateApp(o =>
        {
            o.UseRedis = false;
            o.Environment = "Production";
            o.Settings["Http:HttpsRedirection"] = "false";
        });
        var error = Assert.ThrowsAny<Exception>(() => app.Server);
        var messages = string.Join(" | ", Flatten(error).Select(e => e.Message));
        Assert.Contains("Development", messages);
        Assert.Contains("refused", messages);
    }

    [Fact]
    public async Task Rate_limit_answers_429_problem_with_retry_after()
    {
        await using var app = fixture.CreateApp(o =>
        {
            o.UseRedis = false;
            o.Settings["RateLimiting:PermitsPerMinute"] = "3";
        });
        using var client = app.CreateClient("auth-limited");
        for (var i = 0; i < 3; i++)
        {
            using var ok = await client.GetAsync("/api/v1/accounts", _ct);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        using var limited = await client.GetAsync("/api/v1/accounts", _ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal("rate_limited", await CodeOf(limited));

        using var other = app.CreateClient("auth-limited-other");
        using var otherOk = await other.GetAsync("/api/v1/accounts", _ct);
        Assert.Equal(HttpStatusCode.OK, otherOk.StatusCode);
    }

    [Fact]
    public async Task Per_token_limit_counts_each_token_separately()
    {
        await using var app = fixture.CreateApp(o =>
        {
            o.UseRedis = false;
            o.Settings["RateLimiting:PermitsPerMinutePerToken"] = "2";
        });
        using var first = app.CreateClient("auth-token-limited");
        using var second = app.CreateClient("auth-token-limited", scopes: "Mail.Read");
        for (var i = 0; i < 2; i++)
            (await first.GetAsync("/api/v1/accounts", _ct)).Dispose();
        using var limited = await first.GetAsync("/api/v1/accounts", _ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("rate_limited", await CodeOf(limited));
        using var otherToken = await second.GetAsync("/api/v1/accounts", _ct);
        Assert.Equal(HttpStatusCode.OK, otherToken.StatusCode);
        using var anonymous = app.CreateAnonymousClient();
        using var health = await anonymous.GetAsync("/health/live", _ct);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private static IEnumerable<Exception> Flatten(Exception e)
    {
        for (var current = e; current is not null; current = current.InnerException)
        {
            yield return current;
            if (current is AggregateException aggregate)
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Flatten))
                    yield return inner;
        }
    }
}
