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
}
