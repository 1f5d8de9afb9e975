using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MailGateway.Api.Webhooks;
using MailGateway.IntegrationTests.GraphQL;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Tests.Shared;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace MailGateway.IntegrationTests.Errors;

/// <summary>
/// One error catalogue: the same failure answers the same code on REST (problem <c>code</c>), GraphQL over HTTP and over
/// WebSocket (<c>extensions.code</c>), the SignalR hub (the hub error starts with the code) and the webhook delivery log
/// (<c>attempts[].code</c>).
/// </summary>
public sealed class ErrorCatalogueTests(MailEnvFixture fixture)
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private static async Task<string?> CodeOf(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.TryGetProperty("code", out var code) ? code.GetString() : null;
    }

    [Fact]
    public async Task An_unknown_account_is_account_not_found_on_REST_GraphQL_HTTP_and_WebSocket_and_the_hub()
    {
        const string Code = "account_not_found";
        await using var app = fixture.CreateApp(o => o.UseRedis = false);
        using var client = app.CreateClient("catalogue-owner");

        using (var rest = await client.GetAsync("/api/v1/accounts/no-such-account", _ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, rest.StatusCode);
            Assert.Equal(Code, await CodeOf(rest));
        }
        using (var restWrite = await client.PatchAsJsonAsync("/api/v1/accounts/no-such-account", new { displayName = "x" }, _ct))
            Assert.Equal(Code, await CodeOf(restWrite));

        const string Query = "query { account(id: \"no-such-account\") { id } }";
        Assert.Equal(Code, await GraphQLCalls.ErrorCodeAsync(client, Query, ct: _ct));
        Assert.Equal(Code, await GraphQLCalls.ErrorCodeAsync(client,
            "mutation { updateAccount(id: \"no-such-account\", input: { displayName: \"x\" }) { id } }", ct: _ct));

        await using (var socket = await GraphQLSocket.ConnectAsync(app, cancellationToken: _ct))
        {
            await socket.InitAsync(app.CreateToken("catalogue-owner"), _ct);
            await socket.ExpectAsync("connection_ack", _ct);
            await socket.SendAsync(new { id = "q", type = "subscribe", payload = new { query = Query } }, _ct);
            var next = await socket.ExpectAsync("next", _ct);
            Assert.Equal(Code, next.GetProperty("payload").GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
        }

        await using var hub = app.CreateHubConnection("catalogue-owner");
        await hub.StartAsync(_ct);
        var refused = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync("Subscribe", "no-such-account", _ct));
        Assert.StartsWith(Code + ":", refused.Message.Split("HubException: ")[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_webhook_destination_has_the_same_code_on_REST_GraphQL_and_in_the_delivery_log()
    {
        const string Code = "webhook_url_forbidden";
        await using var app = fixture.CreateApp(o => o.UseRedis = false);
        using var client = app.CreateClient("catalogue-webhooks");

        using (var rest = await client.PostAsJsonAsync("/api/v1/webhooks", new { url = "http://127.0.0.1:9/hook", events = new[] { "account.*" } }, _ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, rest.StatusCode);
            Assert.Equal(Code, await CodeOf(rest));
        }
        Assert.Equal(Code, await GraphQLCalls.ErrorCodeAsync(client,
            "mutation { createWebhook(input: { url: \"http://127.0.0.1:9/hook\", events: [\"account.*\"] }) { id } }", ct: _ct));

        // A delivery whose destination is refused at connect time (a name that resolves to loopback): the attempt's code.
        var sender = app.Services.GetRequiredService<WebhookSender>();
        var attempt = await sender.SendAsync(new Uri("http://localhost:9/hook"), "evt_catalogue", "{}", [WebhookSigner.NewSecret()], _ct);
        Assert.Equal(Code, attempt.Code);
        Assert.StartsWith("Destination refused", attempt.Error, StringComparison.Ordinal);
    }
}
