using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MailGateway.Api.Shared;
using MailGateway.Imap;
using MailGateway.IntegrationTests.GraphQL;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Tests.Shared;
using MailKit;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using MimeKit;

namespace MailGateway.IntegrationTests.Security;

/// <summary>
/// One authorization decision on every API: the same token is refused with the same code on REST, GraphQL over
/// HTTP and over WebSocket, and by the SignalR hub — permissions, the MFA rules and the webhook rule alike.
/// </summary>
public sealed class AuthorizationMatrixTests(MailEnvFixture fixture)
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private static async Task<string?> CodeOf(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.TryGetProperty("code", out var code) ? code.GetString() : null;
    }

    private async Task<(string Id, uint Uid)> AppendAsync(string user, string subject)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Sender", "sender@example.test"));
        message.To.Add(new MailboxAddress("", user + "@example.test"));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = "Body of " + subject };
        var uid = await fixture.Env.AppendAsync(user, "INBOX", message, _ct);
        using var imap = await fixture.Env.ConnectAsync(user, _ct);
        var inbox = await imap.GetFolderAsync("INBOX", _ct);
        await inbox.OpenAsync(FolderAccess.ReadOnly, _ct);
        return (ResourceIds.Message(new MessageRef("INBOX", inbox.UidValidity, uid)), uid);
    }

    private async Task<bool> IsFlaggedAsync(string user, uint uid)
    {
        using var imap = await fixture.Env.ConnectAsync(user, _ct);
        var inbox = await imap.GetFolderAsync("INBOX", _ct);
        await inbox.OpenAsync(FolderAccess.ReadOnly, _ct);
        var summary = (await inbox.FetchAsync([new UniqueId(uid)], MessageSummaryItems.Flags, _ct)).Single();
        return summary.Flags!.Value.HasFlag(MessageFlags.Flagged);
    }

    [Fact]
    public async Task Mfa_for_writes_holds_on_REST_GraphQL_HTTP_and_GraphQL_WebSocket()
    {
        const string User = "user156";
        await using var app = fixture.CreateApp(o =>
        {
            o.UseRedis = false;
            o.Settings["Authentication:RequireMfaFor:0"] = "Mail.ReadWrite";
        });
        using var withMfa = app.CreateClient("authz-mfa", amr: ["pwd", "mfa"]);
        var accountId = await app.RegisterAccountAsync(withMfa, User, _ct);
        var (messageId, uid) = await AppendAsync(User, "Do not flag without MFA");
        using var noMfa = app.CreateClient("authz-mfa", amr: ["pwd"]);

        using var rest = await noMfa.PatchAsJsonAsync($"/api/v1/accounts/{accountId}/messages/{messageId}", new { flagged = true }, _ct);
        Assert.Equal(HttpStatusCode.Forbidden, rest.StatusCode);
        Assert.Equal("mfa_required", await CodeOf(rest));

        const string Mutation = "mutation($a: ID!, $m: ID!) { updateMessage(accountId: $a, id: $m, flagged: true) { id flagged } }";
        Assert.Equal("mfa_required", await GraphQLCalls.ErrorCodeAsync(noMfa, Mutation, new { a = accountId, m = messageId }, _ct));

        await using (var socket = await GraphQLSocket.ConnectAsync(app, cancellationToken: _ct))
        {
            await socket.InitAsync(app.CreateToken("authz-mfa", amr: ["pwd"]), _ct);
            await socket.ExpectAsync("connection_ack", _ct);
            await socket.SendAsync(new { id = "w", type = "subscribe", payload = new { query = Mutation, variables = new { a = accountId, m = messageId } } }, _ct);
            var next = await socket.ExpectAsync("next", _ct);
            Assert.Equal("mfa_required", next.GetProperty("payload").GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
        }
        Assert.False(await IsFlaggedAsync(User, uid));

        // Reads need no MFA under this rule, on both APIs; with MFA the write goes through.
        using var read = await noMfa.GetAsync($"/api/v1/accounts/{accountId}/messages/{messageId}", _ct);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        await GraphQLCalls.DataAsync(noMfa, "query($a: ID!, $m: ID!) { message(accountId: $a, id: $m) { id } }", new { a = accountId, m = messageId }, _ct);
        await GraphQLCalls.DataAsync(withMfa, Mutation, new { a = accountId, m = messageId }, _ct);
        Assert.True(await IsFlaggedAsync(User, uid));
    }

    [Fact]
    public async Task The_hub_applies_the_same_permission_and_mfa_rules()
    {
        await using var app = fixture.CreateApp(o =>
        {
            o.UseRedis = false;
            o.Settings["Authentication:RequireMfaFor:0"] = "Mail.Read";
        });
        using var withMfa = app.CreateClient("authz-hub", amr: ["mfa"]);
        var accountId = await app.RegisterAccountAsync(withMfa, "user157", _ct);

        await using var noMfa = app.CreateHubConnection("authz-hub", amr: ["pwd"]);
        await noMfa.StartAsync(_ct);
        await Assert.ThrowsAsync<HubException>(() => noMfa.InvokeAsync("Subscribe", accountId, _ct));

        await using var webhooksOnly = app.CreateHubConnection("authz-hub", scopes: "Webhooks.ReadWrite", amr: ["mfa"]);
        await webhooksOnly.StartAsync(_ct);
        await Assert.ThrowsAsync<HubException>(() => webhooksOnly.InvokeAsync("Subscribe", accountId, _ct));

        await using var allowed = app.CreateHubConnection("authz-hub", amr: ["mfa"]);
        await allowed.StartAsync(_ct);
        await allowed.InvokeAsync("Subscribe", accountId, _ct);

        // The GraphQL subscription (over WebSocket) asks the same policy: no MFA, no mailEvents (a refused subscription
        // closes the socket with 4403, as for a missing scope).
        await using var socket = await GraphQLSocket.ConnectAsync(app, cancellationToken: _ct);
        await socket.InitAsync(app.CreateToken("authz-hub", amr: ["pwd"]), _ct);
        await socket.ExpectAsync("connection_ack", _ct);
        await socket.SendAsync(new { id = "e", type = "subscribe", payload = new { query = "subscription($a: ID!) { mailEvents(accountId: $a) { id } }", variables = new { a = accountId } } }, _ct);
        Assert.Equal(4403, await socket.ExpectCloseAsync(_ct));
    }

    [Fact]
    public async Task A_SignalR_connection_closes_when_its_token_expires()
    {
        await using var app = fixture.CreateApp(o => o.UseRedis = false);
        await using var connection = app.CreateHubConnection("authz-expiry", lifetime: TimeSpan.FromSeconds(4));
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += e => { closed.TrySetResult(e); return Task.CompletedTask; };
        await connection.StartAsync(_ct);
        var finished = await Task.WhenAny(closed.Task, Task.Delay(TimeSpan.FromSeconds(90), _ct));
        Assert.Same(closed.Task, finished);
    }

    [Fact]
    public async Task A_webhook_scope_alone_cannot_subscribe_to_mail_events()
    {
        await using var app = fixture.CreateApp(o => o.UseRedis = false);
        using var webhooksOnly = app.CreateClient("authz-webhooks", scopes: "Webhooks.ReadWrite");
        foreach (var events in new[] { new[] { "message.*" }, ["mailbox.created"], ["*"], null })
        {
            using var refused = await webhooksOnly.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://hooks.example.test/in", events }, _ct);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("insufficient_scope", await CodeOf(refused));
        }
        Assert.Equal("insufficient_scope", await GraphQLCalls.ErrorCodeAsync(webhooksOnly,
            "mutation { createWebhook(input: { url: \"https://hooks.example.test/in\", events: [\"message.created\"] }) { id } }", ct: _ct));

        // account.* events carry no mail; with Mail.Read as well the scope rule lets message events through.
        using var accountEvents = await webhooksOnly.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://hooks.example.test/in", events = new[] { "account.*" } }, _ct);
        Assert.NotEqual(HttpStatusCode.Forbidden, accountEvents.StatusCode);
        using var reader = app.CreateClient("authz-webhooks", scopes: "Webhooks.ReadWrite Mail.Read");
        using var mailEvents = await reader.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://hooks.example.test/in", events = new[] { "message.*" } }, _ct);
        Assert.NotEqual(HttpStatusCode.Forbidden, mailEvents.StatusCode);
    }

    [Fact]
    public async Task A_disabled_account_answers_409_account_disabled_on_REST_and_GraphQL()
    {
        await using var app = fixture.CreateApp(o => o.UseRedis = false);
        using var client = app.CreateClient("authz-disabled");
        var accountId = await app.RegisterAccountAsync(client, "user187", _ct);
        var (messageId, _) = await AppendAsync("user187", "Not served while disabled");
        using (var ok = await client.GetAsync($"/api/v1/accounts/{accountId}/mailboxes", _ct))
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        using (var disable = await client.PatchAsJsonAsync($"/api/v1/accounts/{accountId}", new { disabled = true }, _ct))
            Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        foreach (var path in new[] { "mailboxes", $"messages/{messageId}", $"messages/{messageId}/raw" })
        {
            using var refused = await client.GetAsync($"/api/v1/accounts/{accountId}/{path}", _ct);
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Equal("account_disabled", await CodeOf(refused));
        }
        Assert.Equal("account_disabled", await GraphQLCalls.ErrorCodeAsync(client,
            "query($a: ID!, $m: ID!) { message(accountId: $a, id: $m) { id subject } }", new { a = accountId, m = messageId }, _ct));

        using (var enable = await client.PatchAsJsonAsync($"/api/v1/accounts/{accountId}", new { disabled = false }, _ct))
            Assert.Equal(HttpStatusCode.OK, enable.StatusCode);
        using var back = await client.GetAsync($"/api/v1/accounts/{accountId}/messages/{messageId}", _ct);
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
    }
}
