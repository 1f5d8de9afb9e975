using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MailGateway.IntegrationTests.GraphQL;
using MailGateway.IntegrationTests.Infrastructure;

namespace MailGateway.IntegrationTests.Security;

/// <summary>
/// A webhook scope is not a mail-read scope, on changes too: a <c>Webhooks.ReadWrite</c>-only token that created an
/// <c>account.*</c> webhook cannot widen it to message, mailbox or sending events (or to every event, an empty filter)
/// through REST <c>PATCH</c> or GraphQL <c>updateWebhook</c>. No mail server needed.
/// </summary>
public sealed class WebhookScopeTests(MailEnvFixture fixture)
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private static async Task<string?> CodeOf(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.TryGetProperty("code", out var code) ? code.GetString() : null;
    }

    [Fact]
    public async Task A_webhook_scope_alone_cannot_widen_a_webhook_to_mail_events()
    {
        await using var app = fixture.CreateApp(o =>
        {
            o.UseRedis = false;
            o.Settings["Webhooks:AllowPrivateNetworks"] = "true"; // a loopback URL that nothing needs to answer
        });
        using var webhooksOnly = app.CreateClient("webhook-scope", scopes: "Webhooks.ReadWrite");
        using var created = await webhooksOnly.PostAsJsonAsync("/api/v1/webhooks", new { url = "http://127.0.0.1:9/in", events = new[] { "account.*" } }, _ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>(_ct)).GetProperty("id").GetString()!;

        foreach (var events in new[] { new[] { "message.*" }, ["message.sent"], ["mailbox.reset"], ["*"], [] })
        {
            using var refused = await webhooksOnly.PatchAsJsonAsync($"/api/v1/webhooks/{id}", new { events }, _ct);
            Assert.True(refused.StatusCode == HttpStatusCode.Forbidden, $"[{string.Join(",", events)}]: {(int)refused.StatusCode}");
            Assert.Equal("insufficient_scope", await CodeOf(refused));
        }
        Assert.Equal("insufficient_scope", await GraphQLCalls.ErrorCodeAsync(webhooksOnly,
            "mutation($id: ID!) { updateWebhook(id: $id, input: { events: [\"message.created\"] }) { id } }", new { id }, _ct));

        // Unchanged, and other changes still go through; with Mail.Read the widening is allowed.
        using (var described = await webhooksOnly.PatchAsJsonAsync($"/api/v1/webhooks/{id}", new { description = "still account events" }, _ct))
        {
            Assert.Equal(HttpStatusCode.OK, described.StatusCode);
            Assert.Equal(["account.*"], (await described.Content.ReadFromJsonAsync<JsonElement>(_ct)).GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        }
        using var reader = app.CreateClient("webhook-scope", scopes: "Webhooks.ReadWrite Mail.Read");
        using var widened = await reader.PatchAsJsonAsync($"/api/v1/webhooks/{id}", new { events = new[] { "message.*" } }, _ct);
        Assert.Equal(HttpStatusCode.OK, widened.StatusCode);
    }
}
