using System.Text.Json;
using MailGateway.Api.Events;
using MailGateway.Imap;
using Microsoft.Extensions.DependencyInjection;

using MailGateway.Tests.Shared;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Tests.GraphQL;

/// <summary>The graphql-transport-ws protocol on /graphql: handshake, ping/pong, operations and close codes.</summary>
public sealed class GraphQLWebSocketTests(GraphQLWebSocketTests.App app) : IClassFixture<GraphQLWebSocketTests.App>
{
    public sealed class App : IDisposable
    {
        public GraphQLTestApp Factory { get; } = new GraphQLTestApp().WithSetting("GraphQL:ConnectionInitTimeout", "00:00:00.500");
        public void Dispose() => Factory.Dispose();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<GraphQLSocket> ConnectAndInitAsync(string subject, string scopes = GraphQLTestApp.AllScopes)
    {
        var socket = await GraphQLSocket.ConnectAsync(app.Factory, cancellationToken: Ct);
        await socket.InitAsync(GraphQLTestApp.Token(subject, scopes), Ct);
        await socket.ExpectAsync("connection_ack", Ct);
        return socket;
    }

    [Fact]
    public async Task Init_with_a_token_is_acknowledged_and_ping_gets_pong()
    {
        await using var socket = await ConnectAndInitAsync("ws-ack");
        Assert.Equal("graphql-transport-ws", socket.SubProtocol);
        await socket.SendAsync(new { type = "ping" }, Ct);
        await socket.ExpectAsync("pong", Ct);
    }

    [Fact]
    public async Task A_query_runs_over_the_socket_with_next_then_complete()
    {
        await using var socket = await ConnectAndInitAsync("ws-query");
        await socket.SendAsync(new { id = "q1", type = "subscribe", payload = new { query = "{ me { id } }" } }, Ct);
        var next = await socket.ExpectAsync("next", Ct);
        Assert.Equal("q1", next.GetProperty("id").GetString());
        Assert.EndsWith("/sub:ws-query", next.GetProperty("payload").GetProperty("data").GetProperty("me").GetProperty("id").GetString());
        var complete = await socket.ExpectAsync("complete", Ct);
        Assert.Equal("q1", complete.GetProperty("id").GetString());
    }

    [Fact]
    public async Task The_access_token_query_parameter_authenticates_an_empty_init()
    {
        await using var socket = await GraphQLSocket.ConnectAsync(app.Factory, GraphQLTestApp.Token("ws-query-token"), cancellationToken: Ct);
        await socket.SendAsync(new { type = "connection_init" }, Ct);
        await socket.ExpectAsync("connection_ack", Ct);
    }

    [Fact]
    public async Task Init_without_a_valid_token_closes_4401()
    {
        await using var socket = await GraphQLSocket.ConnectAsync(app.Factory, cancellationToken: Ct);
        await socket.InitAsync(GraphQLTestApp.Token("ws-bad", signingKey: "another-key-that-is-long-enough-0123456789"), Ct);
        Assert.Equal(4401, await socket.ExpectCloseAsync(Ct));
    }

    [Fact]
    public async Task Subscribe_before_init_closes_4401()
    {
        await using var socket = await GraphQLSocket.ConnectAsync(app.Factory, cancellationToken: Ct);
        await socket.SendAsync(new { id = "1", type = "subscribe", payload = new { query = "{ me { id } }" } }, Ct);
        Assert.Equal(4401, await socket.ExpectCloseAsync(Ct));
    }

    [Fact]
    public async Task A_second_init_closes_4429()
    {
        await using var socket = await ConnectAndInitAsync("ws-twice");
        await socket.InitAsync(GraphQLTestApp.Token("ws-twice"), Ct);
        Assert.Equal(4429, await socket.ExpectCloseAsync(Ct));
    }

    [Fact]
    public async Task No_init_in_time_closes_4408()
    {
        await using var socket = await GraphQLSocket.ConnectAsync(app.Factory, cancellationToken: Ct);
        Assert.Equal(4408, await socket.ExpectCloseAsync(Ct));
    }

    [Fact]
    public async Task An_invalid_message_closes_4400()
    {
        await using var socket = await ConnectAndInitAsync("ws-invalid");
        await socket.SendTextAsync("{ not json", Ct);
        Assert.Equal(4400, await socket.ExpectCloseAsync(Ct));
    }

    [Fact]
    public async Task A_socket_without_the_subprotocol_closes_4406()
    {
        await using var socket = await GraphQLSocket.ConnectAsync(app.Factory, subProtocol: null, cancellationToken: Ct);
        Assert.Equal(4406, await socket.ExpectCloseAsync(Ct));
    }

    [Fact]
    public async Task Subscribing_to_a_foreign_account_closes_4403()
    {
        var account = await SaveAccountAsync("ws-owner");
        await using var socket = await ConnectAndInitAsync("ws-intruder");
        await socket.SendAsync(new { id = "s1", type = "subscribe", payload = new { query = $"subscription {{ mailEvents(accountId: \"{account.Id}\") {{ id }} }}" } }, Ct);
        Assert.Equal(4403, await socket.ExpectCloseAsync(Ct));
    }

    [Fact]
    public async Task A_duplicate_subscriber_id_closes_4409_and_events_flow_to_the_first()
    {
        var account = await SaveAccountAsync("ws-events");
        await using var socket = await ConnectAndInitAsync("ws-events");
        var query = $"subscription {{ mailEvents(accountId: \"{account.Id}\", types: [\"message.created\"]) {{ id type accountId data }} }}";
        await socket.SendAsync(new { id = "s1", type = "subscribe", payload = new { query } }, Ct);

        var sink = app.Factory.Services.GetServices<IMailEventSink>().Single(s => s.GetType().Name == "GraphQLEventHub");
        Assert.Equal(EventDelivery.EveryInstance, sink.Delivery);
        var data = JsonSerializer.SerializeToElement(new { mailboxId = "SU5CT1g", uid = 7 });
        // Delivered once the subscription is registered; repeat until the first event arrives.
        JsonElement? next = null;
        for (var i = 0; i < 50 && next is null; i++)
        {
            await sink.HandleAsync(new MailEvent("ignored-" + i, MailEventTypes.MessageUpdated, DateTimeOffset.UtcNow, account.Id, data), Ct);
            await sink.HandleAsync(new MailEvent("e-" + i, MailEventTypes.MessageCreated, DateTimeOffset.UtcNow, account.Id, data), Ct);
            next = await TryReceiveNextAsync(socket);
        }
        Assert.NotNull(next);
        var mailEvent = next.Value.GetProperty("payload").GetProperty("data").GetProperty("mailEvents");
        Assert.Equal("message.created", mailEvent.GetProperty("type").GetString());
        Assert.Equal(7, mailEvent.GetProperty("data").GetProperty("uid").GetInt32());

        await socket.SendAsync(new { id = "s1", type = "subscribe", payload = new { query } }, Ct);
        Assert.Equal(4409, await socket.ExpectCloseAsync(Ct));
    }

    private static async Task<JsonElement?> TryReceiveNextAsync(GraphQLSocket socket)
    {
        try
        {
            return await socket.ExpectAsync("next", Ct, TimeSpan.FromMilliseconds(200));
        }
        catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
        {
            return null;
        }
    }

    private async Task<Account> SaveAccountAsync(string subject)
    {
        var caller = Caller.From(new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            [new System.Security.Claims.Claim("sub", subject), new System.Security.Claims.Claim("iss", "mailgateway-dev")], "Bearer")));
        var account = new Account
        {
            Id = "acc-" + subject,
            OwnerId = caller.OwnerId,
            DisplayName = subject,
            Email = subject + "@example.test",
            Host = "imap.example.test",
            Port = 993,
            Security = ImapSecurity.Tls,
            Username = subject,
            CredentialStamp = "1",
        };
        await app.Factory.Services.GetRequiredService<IAccountStore>().SaveAsync(account, Ct);
        return account;
    }
}
