using System.Net;
using System.Text.Json;
using MailGateway.IntegrationTests.Infrastructure;

namespace MailGateway.IntegrationTests.Security;

/// <summary>
/// The admin API (<c>GET /api/v1/admin/instances</c>) follows the same rules as the rest: the <c>MailGateway.Admin</c> role
/// counts only from <c>Authentication:AdminTenants</c> (a token without <c>tid</c> is of the one plain-OIDC tenant), and the
/// MFA rule applies to it. No mail server needed.
/// </summary>
public sealed class AdminApiAuthorizationTests(MailEnvFixture fixture)
{
    private const string AdminTenant = "tenant-admin";
    private const string Instances = "/api/v1/admin/instances";
    private static readonly string[] _admin = ["MailGateway.Admin"];
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private static Dictionary<string, object>? Tenant(string? tid) => tid is null ? null : new() { ["tid"] = tid };

    private async Task<(HttpStatusCode Status, string? Code)> GetAsync(GatewayApp app, string[]? roles, string? tid, string[]? amr = null)
    {
        using var client = app.CreateClient("admin-api", roles: roles, amr: amr, extraClaims: Tenant(tid));
        using var response = await client.GetAsync(Instances, _ct);
        var text = await response.Content.ReadAsStringAsync(_ct);
        using var json = text.Length == 0 ? null : JsonDocument.Parse(text);
        return (response.StatusCode, json is not null && json.RootElement.TryGetProperty("code", out var code) ? code.GetString() : null);
    }

    [Fact]
    public async Task Instances_need_the_admin_role_from_an_admin_tenant()
    {
        await using var app = fixture.CreateApp(o =>
        {
            o.UseRedis = false;
            o.Settings["Authentication:AdminTenants:0"] = AdminTenant;
        });
        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(app, roles: null, AdminTenant)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(app, _admin, "tenant-elsewhere")).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(app, _admin, AdminTenant)).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(app, _admin, tid: null)).Status);
    }

    [Fact]
    public async Task Instances_apply_the_mfa_rule()
    {
        await using var app = fixture.CreateApp(o =>
        {
            o.UseRedis = false;
            o.Settings["Authentication:RequireMfa"] = "true";
        });
        Assert.Equal((HttpStatusCode.Forbidden, "mfa_required"), await GetAsync(app, _admin, tid: null, amr: ["pwd"]));
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(app, _admin, tid: null, amr: ["pwd", "mfa"])).Status);
    }
}
