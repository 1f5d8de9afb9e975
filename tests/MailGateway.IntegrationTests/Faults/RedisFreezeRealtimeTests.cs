using System.Text.Json;
using MailGateway.IntegrationTests.Events;
using MailGateway.IntegrationTests.Infrastructure;
using MailGateway.Tests.Shared;
using Microsoft.AspNetCore.SignalR;

namespace MailGateway.IntegrationTests.Faults;

/// <summary>Redis frozen (SIGSTOP) under the long-lived APIs: a SignalR hub invocation fails with a HubException that
/// carries the catalogue code <c>storage_unavailable</c> (not SignalR's generic "unexpected error"), and a GraphQL
/// operation over graphql-transport-ws answers an error payload with that code; the socket and the hub connection
/// stay usable and work again after SIGCONT.</summary>
public sealed class RedisFreezeRealtimeTests(MailEnvFixture fixture) : IDisposable
{
    private readonly FailureLogs _failureLogs = new(fixture.Logs);

    public void Dispose() => _failureLogs.WriteIfFailed();

    private const string User = "user147";
    private const string Owner = "faults-owner-147";

    [Fact]
    public async Task A_frozen_redis_answers_storage_unavailable_on_signalr_and_the_graphql_socket()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var redis = await PrivateRedis.StartAsync(appendOnly: false, ct);
        await using var app = fixture.CreateApp(o => o.Settings["Redis:Configuration"] = redis.RedisConfiguration);
        using var http = app.CreateClient(Owner);
        var accountId = await app.RegisterAccountAsync(http, User, ct);
        await using var events = await EventClient.ConnectAsync(app, app.CreateToken(Owner), ct);
        await using var socket = await GraphQLSocket.ConnectAsync(app, cancellationToken: ct);
        await socket.InitAsync(app.CreateToken(Owner), ct);
        await socket.ExpectAsync("connection_ack", ct);
        // The hub answers invocations only after the backplane finished its own connect step in Redis (it runs after the
        // handshake the client waited for); one answered call proves it, so the freeze below cannot cut that step short
        // (which closes the connection with an error: seen once under load).
        await events.UnsubscribeAsync("", ct);

        await redis.FreezeRedisAsync();
        try
        {
            var hubError = await Assert.ThrowsAsync<HubException>(() => events.SubscribeAsync(accountId, ct));
            Assert.Contains("storage_unavailable", hubError.Message, StringComparison.Ordinal);
            Assert.Contains("Retry after", hubError.Message, StringComparison.Ordinal);

            await socket.SendAsync(new { id = "q", type = "subscribe", payload = new { query = "{ accounts { id } }" } }, ct);
            Assert.Equal(["storage_unavailable"], ErrorCodes(await ExpectResultAsync(socket, "q", ct)));

            var subscription = $"subscription {{ mailEvents(accountId: \"{accountId}\") {{ id type }} }}";
            await socket.SendAsync(new { id = "s", type = "subscribe", payload = new { query = subscription } }, ct);
            Assert.Equal(["storage_unavailable"], ErrorCodes(await ExpectResultAsync(socket, "s", ct)));
        }
        finally
        {
            await redis.ThawRedisAsync();
        }

        // Both connections outlived the stall: the same calls work once Redis answers again.
        await RetryAsync(() => events.SubscribeAsync(accountId, ct), ct);
        await events.WaitForAsync("account.connected", timeout: TimeSpan.FromSeconds(30));
        await socket.SendAsync(new { id = "q2", type = "subscribe", payload = new { query = "{ accounts { id } }" } }, ct);
        Assert.Empty(ErrorCodes(await ExpectResultAsync(socket, "q2", ct)));
    }

    /// <summary>The first <c>next</c> or <c>error</c> message of operation <paramref name="id"/> (pings and others skipped).</summary>
    internal static async Task<JsonElement> ExpectResultAsync(GraphQLSocket socket, string id, CancellationToken ct)
    {
        while (true)
        {
            var message = await socket.ReceiveAsync(ct, TimeSpan.FromSeconds(30))
                ?? throw new InvalidOperationException($"Closed ({socket.CloseStatus}: {socket.CloseDescription}) while waiting for '{id}'.");
            if (message.TryGetProperty("id", out var got) && got.GetString() == id
                && message.GetProperty("type").GetString() is "next" or "error")
                return message;
        }
    }

    /// <summary>The <c>extensions.code</c> of each error: <c>payload.errors</c> of a <c>next</c>, <c>payload</c> of an <c>error</c>.</summary>
    internal static List<string?> ErrorCodes(JsonElement message)
    {
        var payload = message.GetProperty("payload");
        var errors = payload.ValueKind == JsonValueKind.Array ? payload
            : payload.TryGetProperty("errors", out var e) ? e : default;
        return errors.ValueKind != JsonValueKind.Array ? []
            : [.. errors.EnumerateArray().Select(x => x.TryGetProperty("extensions", out var ext) && ext.TryGetProperty("code", out var c) ? c.GetString() : null)];
    }

    internal static async Task RetryAsync(Func<Task> action, CancellationToken ct)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                await action();
                return;
            }
            catch (HubException) when (DateTime.UtcNow < until)
            {
                await Task.Delay(200, ct);
            }
        }
    }
}
