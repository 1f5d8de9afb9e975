using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MailGateway.IntegrationTests.GraphQL;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Tests.Shared;

namespace MailGateway.IntegrationTests.Security;

/// <summary>
/// The permission × API matrix for sending: <c>Mail.Send</c> and the MFA rule decide alike for REST (send, outbox
/// list/get/cancel), GraphQL over HTTP and over WebSocket (<c>sendMessage</c>, <c>cancelSubmission</c>,
/// <c>Account.outbox</c>). The accounts have no SMTP settings, so an allowed send answers <c>smtp_not_configured</c>
/// (authorization passed) without a mail server. User user98 (logins only).
/// </summary>
public sealed class SendingAuthorizationTests(MailEnvFixture fixture)
{
    private const string User = "user98";
    private const string Send = "mutation($a: ID!) { sendMessage(accountId: $a, input: { to: [{ address: \"x@example.test\" }], subject: \"s\", text: \"t\" }) { id } }";
    private const string Cancel = "mutation($a: ID!) { cancelSubmission(accountId: $a, id: \"AAAAAAAAAAAAAAAA\") { id } }";
    private const string Outbox = "query($a: ID!) { account(id: $a) { outbox { id } } }";
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private static async Task<(HttpStatusCode Status, string? Code)> RestAsync(HttpClient client, HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await client.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        using var json = text.Length == 0 ? null : JsonDocument.Parse(text);
        return (response.StatusCode, json?.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("code", out var code)
            ? code.GetString() : null);
    }

    /// <summary>The code REST answers for each sending route (status and code must agree on every route).</summary>
    private async Task<string?> RestCodeAsync(HttpClient client, string accountId, HttpStatusCode expected)
    {
        var prefix = $"/api/v1/accounts/{accountId}";
        var codes = new List<string?>();
        foreach (var (method, path, body) in new (HttpMethod, string, object?)[]
        {
            (HttpMethod.Post, prefix + "/send", new { to = new[] { new { address = "x@example.test" } }, subject = "s", text = "t" }),
            (HttpMethod.Get, prefix + "/outbox", null),
            (HttpMethod.Get, prefix + "/outbox/AAAAAAAAAAAAAAAA", null),
            (HttpMethod.Delete, prefix + "/outbox/AAAAAAAAAAAAAAAA", null),
        })
        {
            var (status, code) = await RestAsync(client, method, path, body, _ct);
            Assert.True(status == expected, $"{method} {path}: {(int)status} {code}");
            codes.Add(code);
        }
        Assert.Single(codes.Distinct());
        return codes[0];
    }

    /// <summary>The GraphQL code of sendMessage, cancelSubmission and Account.outbox over HTTP, and of sendMessage over WebSocket.</summary>
    private async Task<string?[]> GraphQLCodesAsync(GatewayApp app, HttpClient client, string token, string accountId)
    {
        var variables = new { a = accountId };
        var codes = new List<string?>
        {
            await GraphQLCalls.ErrorCodeAsync(client, Send, variables, _ct),
            await GraphQLCalls.ErrorCodeAsync(client, Cancel, variables, _ct),
            await GraphQLCalls.ErrorCodeAsync(client, Outbox, variables, _ct),
        };
        await using var socket = await GraphQLSocket.ConnectAsync(app, cancellationToken: _ct);
        await socket.InitAsync(token, _ct);
        await socket.ExpectAsync("connection_ack", _ct);
        foreach (var (id, query) in new[] { ("send", Send), ("cancel", Cancel) })
        {
            await socket.SendAsync(new { id, type = "subscribe", payload = new { query, variables } }, _ct);
            var next = await socket.ExpectAsync("next", _ct);
            codes.Add(next.GetProperty("payload").GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
        }
        return [.. codes];
    }

    [Fact]
    public async Task Sending_and_the_outbox_need_Mail_Send_on_REST_GraphQL_HTTP_and_WebSocket()
    {
        await using var app = fixture.CreateApp(o => o.UseRedis = false);
        using var owner = app.CreateClient("authz-send");
        var accountId = await app.RegisterAccountAsync(owner, User, _ct);

        const string NoSend = "Mail.Read Mail.ReadWrite Webhooks.ReadWrite";
        using var withoutSend = app.CreateClient("authz-send", scopes: NoSend);
        Assert.Equal("insufficient_scope", await RestCodeAsync(withoutSend, accountId, HttpStatusCode.Forbidden));
        Assert.All(await GraphQLCodesAsync(app, withoutSend, app.CreateToken("authz-send", scopes: NoSend), accountId),
            code => Assert.Equal("insufficient_scope", code));

        // Mail.Send passes the same gate on every API (what follows is the account's own answer).
        using var sender = app.CreateClient("authz-send", scopes: "Mail.Send");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await RestAsync(sender, HttpMethod.Post, $"/api/v1/accounts/{accountId}/send",
            new { to = new[] { new { address = "x@example.test" } }, subject = "s", text = "t" }, _ct)).Status);
        Assert.Equal(HttpStatusCode.OK, (await RestAsync(sender, HttpMethod.Get, $"/api/v1/accounts/{accountId}/outbox", null, _ct)).Status);
        Assert.Equal("smtp_not_configured", await GraphQLCalls.ErrorCodeAsync(sender, Send, new { a = accountId }, _ct));
        Assert.Equal("submission_not_found", await GraphQLCalls.ErrorCodeAsync(sender, Cancel, new { a = accountId }, _ct));
    }

    [Fact]
    public async Task Mfa_for_Mail_Send_holds_on_REST_GraphQL_HTTP_and_WebSocket()
    {
        await using var app = fixture.CreateApp(o =>
        {
            o.UseRedis = false;
            o.Settings["Authentication:RequireMfaFor:0"] = "Mail.Send";
        });
        using var withMfa = app.CreateClient("authz-send-mfa", amr: ["pwd", "mfa"]);
        var accountId = await app.RegisterAccountAsync(withMfa, User, _ct);

        using var noMfa = app.CreateClient("authz-send-mfa", amr: ["pwd"]);
        Assert.Equal("mfa_required", await RestCodeAsync(noMfa, accountId, HttpStatusCode.Forbidden));
        Assert.All(await GraphQLCodesAsync(app, noMfa, app.CreateToken("authz-send-mfa", amr: ["pwd"]), accountId),
            code => Assert.Equal("mfa_required", code));

        // The rule is for sending only: reads go through without MFA; with MFA sending passes the gate.
        Assert.Equal(HttpStatusCode.OK, (await RestAsync(noMfa, HttpMethod.Get, $"/api/v1/accounts/{accountId}/mailboxes", null, _ct)).Status);
        Assert.Equal("smtp_not_configured", (await RestAsync(withMfa, HttpMethod.Post, $"/api/v1/accounts/{accountId}/send",
            new { to = new[] { new { address = "x@example.test" } }, subject = "s", text = "t" }, _ct)).Code);
        Assert.Equal("smtp_not_configured", await GraphQLCalls.ErrorCodeAsync(withMfa, Send, new { a = accountId }, _ct));
        await GraphQLCalls.DataAsync(withMfa, Outbox, new { a = accountId }, _ct);
    }
}
