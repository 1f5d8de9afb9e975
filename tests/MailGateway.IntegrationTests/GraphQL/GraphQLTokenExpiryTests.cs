using MailGateway.Api.GraphQL.WebSockets;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace MailGateway.IntegrationTests.GraphQL;

/// <summary>A graphql-transport-ws socket lives no longer than its connection_init token: at expiry it closes with 4401
/// (measured on a fake clock, so the test does not wait for a real token to expire).</summary>
public sealed class GraphQLTokenExpiryTests(MailEnvFixture fixture)
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_socket_closes_with_4401_when_its_init_token_expires()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = fixture.CreateApp(o =>
        {
            o.UseRedis = false;
            o.ConfigureServices = services => services.AddKeyedSingleton<TimeProvider>(GraphQLWebSocketConnection.ClockKey, clock);
        });
        await using var socket = await GraphQLSocket.ConnectAsync(app, cancellationToken: _ct);
        await socket.InitAsync(app.CreateToken("graphql-expiry", lifetime: TimeSpan.FromMinutes(10)), _ct);
        await socket.ExpectAsync("connection_ack", _ct);

        // Before expiry operations run.
        await socket.SendAsync(new { id = "before", type = "subscribe", payload = new { query = "{ me { isAdmin } }" } }, _ct);
        var next = await socket.ExpectAsync("next", _ct);
        Assert.Equal("before", next.GetProperty("id").GetString());
        clock.Advance(TimeSpan.FromMinutes(9));
        await socket.SendAsync(new { id = "still", type = "subscribe", payload = new { query = "{ me { isAdmin } }" } }, _ct);
        Assert.Equal("still", (await socket.ExpectAsync("next", _ct)).GetProperty("id").GetString());

        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(4401, await socket.ExpectCloseAsync(_ct));
    }

    /// <summary>Sending on the socket: a sendMessage runs before expiry; at expiry the socket closes (4401); the stale
    /// token opens no new socket (closed with 4401 at once), a fresh one does. User user98 (a login only).</summary>
    [Fact]
    public async Task A_sendMessage_socket_ends_with_its_token_and_only_a_fresh_token_opens_another()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = fixture.CreateApp(o =>
        {
            o.UseRedis = false;
            o.ConfigureServices = services => services.AddKeyedSingleton<TimeProvider>(GraphQLWebSocketConnection.ClockKey, clock);
        });
        using var client = app.CreateClient("graphql-expiry-send");
        var accountId = await app.RegisterAccountAsync(client, "user98", _ct);
        var send = new
        {
            query = "mutation($a: ID!) { sendMessage(accountId: $a, input: { to: [{ address: \"x@example.test\" }], text: \"t\" }) { id } }",
            variables = new { a = accountId },
        };
        var token = app.CreateToken("graphql-expiry-send", lifetime: TimeSpan.FromMinutes(10));

        await using (var socket = await GraphQLSocket.ConnectAsync(app, cancellationToken: _ct))
        {
            await socket.InitAsync(token, _ct);
            await socket.ExpectAsync("connection_ack", _ct);
            await socket.SendAsync(new { id = "before", type = "subscribe", payload = send }, _ct);
            var next = await socket.ExpectAsync("next", _ct);   // it ran: the account has no SMTP settings
            Assert.Equal("smtp_not_configured", next.GetProperty("payload").GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
            clock.Advance(TimeSpan.FromMinutes(11));
            Assert.Equal(4401, await socket.ExpectCloseAsync(_ct));
        }

        await using (var stale = await GraphQLSocket.ConnectAsync(app, cancellationToken: _ct))
        {
            await stale.InitAsync(token, _ct);
            Assert.Equal(4401, await stale.ExpectCloseAsync(_ct));
        }

        await using var fresh = await GraphQLSocket.ConnectAsync(app, cancellationToken: _ct);
        await fresh.InitAsync(app.CreateToken("graphql-expiry-send", lifetime: TimeSpan.FromMinutes(30)), _ct);
        await fresh.ExpectAsync("connection_ack", _ct);
        await fresh.SendAsync(new { id = "fresh", type = "subscribe", payload = send }, _ct);
        Assert.Equal("fresh", (await fresh.ExpectAsync("next", _ct)).GetProperty("id").GetString());
    }
}
