using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Security.Claims;
using System.Threading.Channels;
using GraphQL;
using GraphQL.Transport;
using MailGateway.Api.GraphQL.Http;

namespace MailGateway.Api.GraphQL.WebSockets;

/// <summary>
/// One WebSocket speaking <c>graphql-transport-ws</c> (github.com/enisdenjo/graphql-ws PROTOCOL.md):
/// connection_init → connection_ack, ping/pong, subscribe → next* → complete, and the protocol's close codes.
/// A single writer loop owns the socket's send side; the receive loop never blocks on an operation.
/// </summary>
internal sealed partial class GraphQLWebSocketConnection(
    WebSocket socket,
    HttpContext http,
    GraphQLRunner runner,
    IGraphQLTextSerializer serializer,
    GraphQLRateLimiter limiter,
    GraphQLSocketAuthenticator authenticator,
    GraphQLApiOptions options,
    ILogger logger)
{
    public const string SubProtocol = "graphql-transport-ws";

    private readonly Channel<OperationMessage> _outbox = Channel.CreateBounded<OperationMessage>(
        new BoundedChannelOptions(1024) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly ConcurrentDictionary<string, Operation> _operations = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _closing = new();
    // The app's scope factory, not the upgrade request's services: operations may outlive the request's scope by a moment.
    private readonly IServiceScopeFactory _scopes = http.RequestServices.GetRequiredService<IServiceScopeFactory>();
    private readonly ConcurrentBag<Task> _executions = [];
    private int _initReceived;
    private volatile ClaimsPrincipal? _user;
    private (int Code, string Reason)? _close;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        GraphQLLog.SocketOpened(logger);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closing.Token);
        var writer = WriteLoopAsync(linked.Token);
        var initTimeout = InitTimeoutAsync(linked.Token);
        try
        {
            await ReceiveLoopAsync(linked.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException)
        {
            if (e is not OperationCanceledException) GraphQLLog.SocketFailed(logger, e);
        }
        finally
        {
            foreach (var operation in _operations.Values) operation.Dispose();
            _operations.Clear();
            _outbox.Writer.TryComplete();
            await writer;
            await Task.WhenAll(_executions).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None)
                .ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            await _closing.CancelAsync();
            await initTimeout;
            _closing.Dispose();
        }
    }

    /// <summary>Asks the writer to send everything queued so far, then close the socket with the code.</summary>
    private void Close(int code, string reason)
    {
        lock (_operations)
        {
            if (_close is not null) return;
            _close = (code, reason);
        }
        _outbox.Writer.TryComplete();
    }

    private void Send(OperationMessage message)
    {
        if (!_outbox.Writer.TryWrite(message))
            Close((int)WebSocketCloseStatus.PolicyViolation, "The client does not read messages fast enough.");
    }

    /// <summary>Reads until the peer's close frame. After we decided to close, further messages are ignored while
    /// the peer answers our close frame (bounded by the writer's grace period), so the close code always arrives.</summary>
    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        while (socket.State is WebSocketState.Open or WebSocketState.CloseSent)
        {
            buffer.ResetWrittenCount();
            ValueWebSocketReceiveResult received;
            var tooBig = false;
            do
            {
                received = await socket.ReceiveAsync(buffer.GetMemory(4096), cancellationToken);
                if (!tooBig) buffer.Advance(received.Count);
                if (buffer.WrittenCount > options.MaxRequestBytes)
                {
                    tooBig = true;
                    buffer.ResetWrittenCount();
                }
            } while (!received.EndOfMessage && received.MessageType != WebSocketMessageType.Close);

            if (received.MessageType == WebSocketMessageType.Close) return;
            if (_close is not null) continue;
            if (tooBig)
                Close((int)WebSocketCloseStatus.MessageTooBig, $"Messages are limited to {options.MaxRequestBytes} bytes.");
            else if (received.MessageType != WebSocketMessageType.Text)
                Close(CloseCodes.BadRequest, "Only text messages are accepted.");
            else if (Parse(buffer.WrittenSpan) is { Type: not null } message)
                await HandleAsync(message, cancellationToken);
            else
                Close(CloseCodes.BadRequest, "Invalid message received.");
        }
    }

    private OperationMessage? Parse(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return serializer.Deserialize<OperationMessage>(System.Text.Encoding.UTF8.GetString(utf8));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return null;
        }
    }

    private async Task HandleAsync(OperationMessage message, CancellationToken cancellationToken)
    {
        switch (message.Type)
        {
            case MessageTypes.ConnectionInit:
                await InitializeAsync(message, cancellationToken);
                break;
            case MessageTypes.Ping:
                Send(new OperationMessage { Type = MessageTypes.Pong });
                break;
            case MessageTypes.Pong:
                break;
            case MessageTypes.Subscribe:
                Subscribe(message);
                break;
            case MessageTypes.Complete:
                if (message.Id is not null && _operations.TryRemove(message.Id, out var operation)) operation.Dispose();
                break;
            default:
                Close(CloseCodes.BadRequest, $"Invalid message type '{Truncate(message.Type)}'.");
                break;
        }
    }

    private async Task WriteLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in _outbox.Reader.ReadAllAsync(cancellationToken))
            {
                if (socket.State != WebSocketState.Open) break;
                var bytes = System.Text.Encoding.UTF8.GetBytes(serializer.Serialize(message));
                await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            }
            var (code, reason) = _close ?? ((int)WebSocketCloseStatus.NormalClosure, "");
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, cancellationToken);
            if (_close is not null) GraphQLLog.SocketClosed(logger, code, reason);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException)
        {
            // The peer went away; nothing left to tell it.
        }
        finally
        {
            // After our close frame, give the peer a moment to answer with its own before the read side is cut.
            if (_close is null) await _closing.CancelAsync();
            else _closing.CancelAfter(TimeSpan.FromSeconds(2));
        }
    }

    private static string Truncate(string? value) => value is null ? "" : value.Length <= 40 ? value : value[..40];
}
