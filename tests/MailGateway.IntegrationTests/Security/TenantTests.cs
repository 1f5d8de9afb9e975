using System.Net;
using System.Text.Json;
using MailGateway.IntegrationTests.GraphQL;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Tests.Shared;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace MailGateway.IntegrationTests.Security;

/// <summary>
/// Tenants on a multi-tenant app registration: the admin role (and app-only roles) count only from the tenants in
/// <c>Authentication:AdminTenants</c>, and the owner key holds the tenant, on REST, GraphQL (HTTP and WebSocket) and the SignalR hub alike.
/// </summary>
public sealed class TenantTests(MailEnvFixture fixture)
{
    private const string AdminTenant = "tenant-admin";
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private static Dictionary<string, object> Tenant(string tid) => new() { ["tid"] = tid };

    private GatewayApp CreateApp() => fixture.CreateApp(o =>
    {
        o.UseRedis = false;
        o.Settings["Authentication:AdminTenants:0"] = AdminTenant;
    });

    private static async Task<bool> ListsAsync(HttpClient client, string accountId, CancellationToken ct)
    {
        using var json = JsonDocument.Parse(await client.GetStringAsync("/api/v1/accounts", ct));
        return json.RootElement.GetProperty("items").EnumerateArray().Any(a => a.GetProperty("id").GetString() == accountId);
    }

    /// <summary>What <paramref name="subject"/> of <paramref name="tid"/> sees of the account on each API.</summary>
    private async Task AssertSeesAsync(GatewayApp app, string subject, string tid, string accountId, bool sees, IEnumerable<string>? roles = null)
    {
        using var client = app.CreateClient(subject, roles: roles, extraClaims: Tenant(tid));
        Assert.Equal(sees, await ListsAsync(client, accountId, _ct));
        using (var get = await client.GetAsync($"/api/v1/accounts/{accountId}", _ct))
            Assert.Equal(sees ? HttpStatusCode.OK : HttpStatusCode.NotFound, get.StatusCode);

        var graph = await GraphQLCalls.PostAsync(client, "query($id: ID!) { account(id: $id) { id } }", new { id = accountId }, _ct);
        if (sees)
            Assert.Equal(accountId, graph.GetProperty("data").GetProperty("account").GetProperty("id").GetString());
        else
            Assert.Equal("account_not_found", graph.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());

        // GraphQL over WebSocket: the connection_init token goes through the same authentication (and tenant rule).
        await using (var socket = await GraphQLSocket.ConnectAsync(app, cancellationToken: _ct))
        {
            await socket.InitAsync(app.CreateToken(subject, roles: roles, extraClaims: Tenant(tid)), _ct);
            await socket.ExpectAsync("connection_ack", _ct);
            await socket.SendAsync(new { id = "t", type = "subscribe", payload = new { query = "query($id: ID!) { account(id: $id) { id } }", variables = new { id = accountId } } }, _ct);
            var payload = (await socket.ExpectAsync("next", _ct)).GetProperty("payload");
            if (sees)
                Assert.Equal(accountId, payload.GetProperty("data").GetProperty("account").GetProperty("id").GetString());
            else
                Assert.Equal("account_not_found", payload.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
        }

        await using var hub = app.CreateHubConnection(subject, roles: roles, extraClaims: Tenant(tid));
        await hub.StartAsync(_ct);
        if (sees)
            await hub.InvokeAsync("Subscribe", accountId, _ct);
        else
            await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync("Subscribe", accountId, _ct));
    }

    [Fact]
    public async Task The_admin_role_counts_only_from_an_admin_tenant_on_REST_GraphQL_and_the_hub()
    {
        await using var app = CreateApp();
        using var owner = app.CreateClient("tenant-owner", extraClaims: Tenant("tenant-customer"));
        var accountId = await app.RegisterAccountAsync(owner, "user158", _ct);
        string[] admin = ["MailGateway.Admin"];

        await AssertSeesAsync(app, "tenant-intruder", "tenant-elsewhere", accountId, sees: false, roles: admin);
        await AssertSeesAsync(app, "tenant-operator", AdminTenant, accountId, sees: true, roles: admin);

        using var foreignAdmin = app.CreateClient("tenant-intruder", roles: admin, extraClaims: Tenant("tenant-elsewhere"));
        var me = await GraphQLCalls.PostAsync(foreignAdmin, "{ me { isAdmin } }", null, _ct);
        Assert.False(me.GetProperty("data").GetProperty("me").GetProperty("isAdmin").GetBoolean());

        // App-only (roles, no scopes): its roles count only from an admin tenant too.
        using var foreignApp = app.CreateClient("tenant-daemon", scopes: "", roles: ["Mail.Read"], extraClaims: Tenant("tenant-elsewhere"));
        using (var refused = await foreignApp.GetAsync("/api/v1/accounts", _ct))
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using var adminApp = app.CreateClient("tenant-daemon", scopes: "", roles: ["Mail.Read"], extraClaims: Tenant(AdminTenant));
        using (var allowed = await adminApp.GetAsync("/api/v1/accounts", _ct))
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task One_user_id_in_two_tenants_never_shares_accounts()
    {
        await using var app = CreateApp();
        using var inFirst = app.CreateClient("same-subject", extraClaims: Tenant("tenant-first"));
        var accountId = await app.RegisterAccountAsync(inFirst, "user159", _ct);

        await AssertSeesAsync(app, "same-subject", "tenant-first", accountId, sees: true);
        await AssertSeesAsync(app, "same-subject", "tenant-second", accountId, sees: false);
    }
}
