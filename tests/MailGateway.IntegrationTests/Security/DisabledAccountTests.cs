using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MailGateway.Api.Shared;
using MailGateway.IntegrationTests.Events;
using MailGateway.IntegrationTests.GraphQL;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Tests.Shared;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace MailGateway.IntegrationTests.Security;

/// <summary>
/// A disabled account serves nothing, on the paths added after the first fix too: sending and the outbox (REST and
/// GraphQL), event subscriptions (SignalR hub, GraphQL over WebSocket) and the read cache (in-process and the shared
/// Redis level of a second instance). Users user98 (logins and reads only); the watch test is in
/// <see cref="DisabledAccountWatchTests"/>.
/// </summary>
public sealed class DisabledAccountTests(MailEnvFixture fixture)
{
    private const string User = "user98";
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly RedisNamespace _redis = fixture.RedisNamespaceFor(typeof(DisabledAccountTests));

    internal static async Task DisableAsync(HttpClient client, string accountId, bool disabled, CancellationToken ct)
    {
        using var response = await client.PatchAsJsonAsync($"/api/v1/accounts/{accountId}", new { disabled }, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task AssertDisabledAsync(HttpResponseMessage response, string what)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Conflict, $"{what}: {(int)response.StatusCode} {text}");
        using var json = JsonDocument.Parse(text);
        Assert.Equal("account_disabled", json.RootElement.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Sending_the_outbox_and_event_subscriptions_answer_account_disabled_on_every_API()
    {
        await using var app = fixture.CreateApp(o => o.UseRedis = false);
        using var client = app.CreateClient("disabled-send");
        var accountId = await app.RegisterAccountAsync(client, User, _ct);
        await DisableAsync(client, accountId, true, _ct);

        var prefix = $"/api/v1/accounts/{accountId}";
        var compose = new { to = new[] { new { address = "x@example.test" } }, subject = "s", text = "t" };
        using (var send = await client.PostAsJsonAsync(prefix + "/send", compose, _ct)) await AssertDisabledAsync(send, "send");
        using (var request = new HttpRequestMessage(HttpMethod.Post, prefix + "/send") { Content = JsonContent.Create(compose) })
        {
            request.Headers.Add("Idempotency-Key", "disabled-key");
            using var keyed = await client.SendAsync(request, _ct);
            await AssertDisabledAsync(keyed, "send with Idempotency-Key");
        }
        using (var list = await client.GetAsync(prefix + "/outbox", _ct)) await AssertDisabledAsync(list, "outbox");
        using (var get = await client.GetAsync(prefix + "/outbox/AAAAAAAAAAAAAAAA", _ct)) await AssertDisabledAsync(get, "outbox item");
        using (var cancel = await client.DeleteAsync(prefix + "/outbox/AAAAAAAAAAAAAAAA", _ct)) await AssertDisabledAsync(cancel, "cancel");

        var a = new { a = accountId };
        Assert.Equal("account_disabled", await GraphQLCalls.ErrorCodeAsync(client,
            "mutation($a: ID!) { sendMessage(accountId: $a, input: { to: [{ address: \"x@example.test\" }], text: \"t\" }) { id } }", a, _ct));
        Assert.Equal("account_disabled", await GraphQLCalls.ErrorCodeAsync(client,
            "mutation($a: ID!) { cancelSubmission(accountId: $a, id: \"AAAAAAAAAAAAAAAA\") { id } }", a, _ct));
        Assert.Equal("account_disabled", await GraphQLCalls.ErrorCodeAsync(client, "query($a: ID!) { account(id: $a) { outbox { id } } }", a, _ct));

        await using (var hub = app.CreateHubConnection("disabled-send"))
        {
            await hub.StartAsync(_ct);
            var refused = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync("Subscribe", accountId, _ct));
            Assert.Contains("account_disabled", refused.Message, StringComparison.Ordinal);
        }
        await using (var socket = await GraphQLSocket.ConnectAsync(app, cancellationToken: _ct))
        {
            await socket.InitAsync(app.CreateToken("disabled-send"), _ct);
            await socket.ExpectAsync("connection_ack", _ct);
            await socket.SendAsync(new { id = "s", type = "subscribe", payload = new { query = "subscription($a: ID!) { mailEvents(accountId: $a) { id } }", variables = a } }, _ct);
            var answer = await socket.ReceiveAsync(_ct) ?? throw new InvalidOperationException("The socket closed.");
            var errors = answer.GetProperty("type").GetString() == "error" ? answer.GetProperty("payload") : answer.GetProperty("payload").GetProperty("errors");
            Assert.Equal("account_disabled", errors[0].GetProperty("extensions").GetProperty("code").GetString());
        }

        // Enabled again, the same calls pass the account check.
        await DisableAsync(client, accountId, false, _ct);
        using (var list = await client.GetAsync(prefix + "/outbox", _ct)) Assert.Equal(HttpStatusCode.OK, list.StatusCode);
    }

    [Fact]
    public async Task Cached_messages_of_a_disabled_account_are_not_served_by_either_cache_level()
    {
        var key = new GatewayAppOptions().SigningKey;
        GatewayApp Instance() => fixture.CreateApp(o =>
        {
            o.SigningKey = key;
            _redis.ApplyTo(o.Settings);
            o.Settings["Imap:Cache:Shared"] = "true";
        });
        await using var a = Instance();
        await using var b = Instance();
        await fixture.Env.AppendAsync(User, "INBOX", TestMail.Create("Cached while enabled"), _ct);
        using var onA = a.CreateClient("disabled-cache");
        using var onB = b.CreateClient("disabled-cache");
        var accountId = await a.RegisterAccountAsync(onA, User, _ct);
        var page = $"/api/v1/accounts/{accountId}/mailboxes/{ResourceIds.Mailbox("INBOX")}/messages?limit=5";
        using var json = JsonDocument.Parse(await onA.GetStringAsync(page, _ct));
        var messageId = json.RootElement.GetProperty("items")[0].GetProperty("id").GetString()!;
        var message = $"/api/v1/accounts/{accountId}/messages/{messageId}";
        foreach (var client in new[] { onA, onB })
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(page, _ct)).StatusCode);   // A: in-process; B: from the shared level
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(message, _ct)).StatusCode);
        }

        await DisableAsync(onA, accountId, true, _ct);
        foreach (var (client, name) in new[] { (onA, "A"), (onB, "B") })
        {
            using (var list = await client.GetAsync(page, _ct)) await AssertDisabledAsync(list, name + " page");
            using (var body = await client.GetAsync(message, _ct)) await AssertDisabledAsync(body, name + " message");
            Assert.Equal("account_disabled", await GraphQLCalls.ErrorCodeAsync(client,
                "query($a: ID!, $m: ID!) { message(accountId: $a, id: $m) { subject } }", new { a = accountId, m = messageId }, _ct));
        }
    }
}
