using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;

namespace MailGateway.Tests.Shared;

/// <summary>A minimal graphql-transport-ws client over TestServer's WebSocket.</summary>
public sealed class GraphQLSocket : IAsyncDisposable
{
    private readonly WebSocket _socket;

    private GraphQLSocket(WebSocket socket) => _socket = socket;

    public static async Task<GraphQLSocket> ConnectAsync<T>(WebApplicationFactory<T> factory, string? queryToken = null,
        string? subProtocol = "graphql-transport-ws", CancellationToken cancellationToken = default) where T : class
    {
        var client = factory.Server.CreateWebSocketClient();
        if (subProtocol is not null) client.SubProtocols.Add(subProtocol);
        var uri = new Uri(factory.Server.BaseAddress, queryToken is null ? "graphql" : $"graphql?access_token={queryToken}");
        uri = new UriBuilder(uri) { Scheme = "ws" }.Uri;
        return new GraphQLSocket(await client.ConnectAsync(uri, cancellationToken));
    }

    public string? SubProtocol => _socket.SubProtocol;

    public Task SendAsync(object message, CancellationToken cancellationToken) =>
        SendTextAsync(JsonSerializer.Serialize(message), cancellationToken);

    public Task SendTextAsync(string text, CancellationToken cancellationToken) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cancellationToken);

    public Task InitAsync(string token, CancellationToken cancellationToken) =>
        SendAsync(new { type = "connection_init", payload = new { Authorization = "Bearer " + token } }, cancellationToken);

    /// <summary>The next message as JSON, or null when the server closed the socket instead.</summary>
    public async Task<JsonElement?> ReceiveAsync(CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout ?? TimeSpan.FromSeconds(15));
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            result = await _socket.ReceiveAsync(buffer, cts.Token);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            message.Write(buffer, 0, result.Count);
        } while (!result.EndOfMessage);
        return JsonDocument.Parse(message.ToArray()).RootElement.Clone();
    }

    /// <summary>Reads until a message of <paramref name="type"/> arrives (skipping others).</summary>
    public async Task<JsonElement> ExpectAsync(string type, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        while (true)
        {
            var message = await ReceiveAsync(cancellationToken, timeout)
                ?? throw new InvalidOperationException($"Closed ({CloseStatus}: {CloseDescription}) while waiting for '{type}'.");
            if (message.GetProperty("type").GetString() == type) return message;
        }
    }

    /// <summary>Reads until the server closes; answers the close code.</summary>
    public async Task<int> ExpectCloseAsync(CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        while (await ReceiveAsync(cancellationToken, timeout) is not null) { }
        return (int)(CloseStatus ?? 0);
    }

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;
    public string? CloseDescription => _socket.CloseStatusDescription;

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        }
        catch (WebSocketException) { }
        _socket.Dispose();
    }
}
