using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using MailGateway.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace MailGateway.IntegrationTests.Events;

/// <summary>A SignalR client of <c>/hubs/mail</c> (WebSockets over TestServer) that records every <c>mailEvent</c>.</summary>
internal sealed class EventClient : IAsyncDisposable
{
    private readonly Channel<JsonElement> _events = Channel.CreateUnbounded<JsonElement>();

    private EventClient(HubConnection connection)
    {
        Connection = connection;
        connection.On<JsonElement>("mailEvent", e =>
        {
            All.Enqueue(e);
            _events.Writer.TryWrite(e);
        });
    }

    public HubConnection Connection { get; }

    public ConcurrentQueue<JsonElement> All { get; } = new();

    public static async Task<EventClient> ConnectAsync(GatewayApp app, string token, CancellationToken ct)
    {
        var server = app.Server;
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, "/hubs/mail"), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                o.WebSocketFactory = async (context, cancel) =>
                {
                    var ws = server.CreateWebSocketClient();
                    ws.ConfigureRequest = r => r.Headers.Authorization = "Bearer " + token;
                    return await ws.ConnectAsync(context.Uri, cancel);
                };
            })
            .Build();
        var client = new EventClient(connection);
        await connection.StartAsync(ct);
        return client;
    }

    /// <summary>A client of a gateway reached over real HTTP (Kestrel, e.g. <see cref="GatewayProcess"/>).</summary>
    public static async Task<EventClient> ConnectAsync(string baseAddress, string token, CancellationToken ct)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(baseAddress + "/hubs/mail", o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .Build();
        var client = new EventClient(connection);
        await connection.StartAsync(ct);
        return client;
    }

    public Task SubscribeAsync(string accountId, CancellationToken ct) => Connection.InvokeAsync("Subscribe", accountId, ct);

    public Task UnsubscribeAsync(string accountId, CancellationToken ct) => Connection.InvokeAsync("Unsubscribe", accountId, ct);

    /// <summary>The next event of <paramref name="type"/> matching <paramref name="match"/> (others are skipped but kept in <see cref="All"/>).</summary>
    public async Task<JsonElement> WaitForAsync(string type, Func<JsonElement, bool>? match = null, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        try
        {
            while (true)
            {
                var e = await _events.Reader.ReadAsync(cts.Token);
                if (e.GetProperty("type").GetString() == type && (match is null || match(e))) return e;
            }
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            var seen = string.Join(", ", All.Select(e => e.GetProperty("type").GetString()));
            throw new TimeoutException($"No {type} event arrived; seen: [{seen}]");
        }
    }

    /// <summary>An event of <paramref name="type"/> matching <paramref name="match"/>, whether it arrived before this call
    /// (even if a <see cref="WaitForAsync"/> skipped it) or arrives later: for events whose order is not guaranteed.</summary>
    public async Task<JsonElement> ReceivedAsync(string type, Func<JsonElement, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            foreach (var e in All)
                if (e.GetProperty("type").GetString() == type && match(e)) return e;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"No {type} event arrived; seen: [{string.Join(", ", All.Select(e => e.GetProperty("type").GetString()))}]");
            await Task.Delay(50);
        }
    }

    /// <summary>Events of <paramref name="type"/> received so far.</summary>
    public List<JsonElement> OfType(string type) => [.. All.Where(e => e.GetProperty("type").GetString() == type)];

    public static string Subject(JsonElement e) => e.GetProperty("data").GetProperty("summary").GetProperty("subject").GetString()!;

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();
}
