using System.Text.Json;
using MailGateway.IntegrationTests.Events;
using MailGateway.IntegrationTests.Faults;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.IntegrationTests.Webhooks;
using MailGateway.Testing;
using MailGateway.Tests.Shared;

namespace MailGateway.IntegrationTests.Sending;

/// <summary>Issue 13 item 3: <c>message.sent</c> and <c>message.sendFailed</c> go through the one event pipeline and reach
/// every path: SignalR, the GraphQL subscription (WebSocket) and a signed webhook. Users user169 and user170.</summary>
public sealed class SendingEventsTests(MailEnvFixture fixture) : IAsyncLifetime
{
    private const string User = "user169";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private WebhookReceiver _receiver = null!;
    private GatewayApp _app = null!;

    public async ValueTask InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync(Ct);
        _app = fixture.CreateApp(o =>
        {
            fixture.RedisNamespaceFor(typeof(SendingEventsTests)).ApplyTo(o.Settings);
            o.Settings["Webhooks:AllowPrivateNetworks"] = "true";
            o.Settings["Webhooks:PollInterval"] = "00:00:00.100";
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task Sent_and_send_failed_arrive_over_SignalR_GraphQL_and_webhooks()
    {
        var me = await Sender.RegisterAsync(fixture, User, _app);
        var hook = await WebhookGatewayCalls.CreateAsync(me.Client, new { url = _receiver.Url, events = new[] { "message.sent", "message.sendFailed" } }, Ct);
        _receiver.Trust(hook.GetProperty("secret").GetString()!);
        await using var signalR = await EventClient.ConnectAsync(_app, _app.CreateToken(User), Ct);
        await signalR.SubscribeAsync(me.AccountId, Ct);
        await using var graphQL = await GraphQLSocket.ConnectAsync(_app, cancellationToken: Ct);
        await graphQL.InitAsync(_app.CreateToken(User, "Mail.Read"), Ct);
        await graphQL.ExpectAsync("connection_ack", Ct);
        await graphQL.SendAsync(new { id = "events", type = "subscribe", payload = new
        {
            query = $"subscription {{ mailEvents(accountId: \"{me.AccountId}\") {{ id type accountId data }} }}",
        } }, Ct);
        await signalR.WaitForAsync("account.connected", timeout: Wait); // both subscriptions are live

        var sentId = await me.SubmitAsync(Sender.Message(me.Email, MailEnvironment.EmailOf("user170"), Guid.NewGuid().ToString("N")));
        var sent = await me.WaitForStateAsync(sentId, "sent");
        var failedId = await me.SubmitAsync(Sender.Message(me.Email, "nobody-here@example.org", Guid.NewGuid().ToString("N")));
        await me.WaitForStateAsync(failedId, "failed");

        bool Names(JsonElement e, string id) => e.GetProperty("data").GetProperty("submissionId").GetString() == id;
        // The two events may arrive in either order (message.sent is published after the Sent copy is filed).
        var overSignalR = await signalR.ReceivedAsync("message.sent", e => Names(e, sentId), Wait);
        var failedOverSignalR = await signalR.ReceivedAsync("message.sendFailed", e => Names(e, failedId), Wait);
        var overGraphQLByType = await CollectAsync(graphQL, "message.sent", "message.sendFailed");
        var (overGraphQL, failedOverGraphQL) = (overGraphQLByType["message.sent"], overGraphQLByType["message.sendFailed"]);
        var hooks = await _receiver.WaitForAsync(2, Wait);

        Assert.Equal(sent.GetProperty("messageIdHeader").GetString(), overSignalR.GetProperty("data").GetProperty("messageIdHeader").GetString());
        Assert.Equal(overSignalR.GetProperty("id").GetString(), overGraphQL.GetProperty("id").GetString());
        Assert.Equal(sentId, ParseData(overGraphQL).GetProperty("submissionId").GetString());
        Assert.True(failedOverSignalR.GetProperty("data").GetProperty("permanent").GetBoolean());
        Assert.Equal(5, failedOverSignalR.GetProperty("data").GetProperty("reply").GetProperty("code").GetInt32() / 100);
        Assert.Equal(failedId, ParseData(failedOverGraphQL).GetProperty("submissionId").GetString());

        Assert.All(hooks, h => Assert.True(h.Verified));
        Assert.Equal(overSignalR.GetProperty("id").GetString(), Assert.Single(hooks, h => h.Type == "message.sent").Id);
        Assert.Equal(failedOverSignalR.GetProperty("id").GetString(), Assert.Single(hooks, h => h.Type == "message.sendFailed").Id);
    }

    /// <summary>GraphQL's <c>data</c> is a JSON scalar: an object, or the same as a string.</summary>
    private static JsonElement ParseData(JsonElement mailEvent) => mailEvent.GetProperty("data") is { ValueKind: JsonValueKind.String } s
        ? JsonDocument.Parse(s.GetString()!).RootElement : mailEvent.GetProperty("data");

    /// <summary>The first subscription event of each of <paramref name="types"/>, in whatever order they arrive.</summary>
    private static async Task<Dictionary<string, JsonElement>> CollectAsync(GraphQLSocket socket, params string[] types)
    {
        using var timeout = new CancellationTokenSource(Wait);
        var found = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        while (found.Count < types.Length)
        {
            var next = await socket.ExpectAsync("next", timeout.Token, Wait);
            var mailEvent = next.GetProperty("payload").GetProperty("data").GetProperty("mailEvents");
            if (mailEvent.GetProperty("type").GetString() is { } type && types.Contains(type)) found.TryAdd(type, mailEvent);
        }
        return found;
    }
}
