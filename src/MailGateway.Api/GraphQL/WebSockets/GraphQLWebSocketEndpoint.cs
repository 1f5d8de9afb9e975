using GraphQL;
using MailGateway.Api.GraphQL.Http;
using Microsoft.Extensions.Options;

namespace MailGateway.Api.GraphQL.WebSockets;

internal static class GraphQLWebSocketEndpoint
{
    public static async Task AcceptAsync(HttpContext http)
    {
        var services = http.RequestServices;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(GraphQLWebSocketEndpoint));
        var offered = http.WebSockets.WebSocketRequestedProtocols.Contains(GraphQLWebSocketConnection.SubProtocol, StringComparer.Ordinal);
        using var socket = await http.WebSockets.AcceptWebSocketAsync(offered ? GraphQLWebSocketConnection.SubProtocol : null);
        if (!offered)
        {
            // CloseAsync waits (briefly) for the peer's answer, so the code reaches it before the request ends.
            using var grace = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
            grace.CancelAfter(TimeSpan.FromSeconds(2));
            try
            {
                await socket.CloseAsync((System.Net.WebSockets.WebSocketCloseStatus)CloseCodes.SubprotocolNotAcceptable,
                    "Subprotocol not acceptable: use graphql-transport-ws", grace.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or System.Net.WebSockets.WebSocketException or IOException)
            {
                // The peer did not answer the close; nothing more to do.
            }
            return;
        }
        var connection = new GraphQLWebSocketConnection(socket, http,
            services.GetRequiredService<GraphQLRunner>(),
            services.GetRequiredService<IGraphQLTextSerializer>(),
            services.GetRequiredService<GraphQLRateLimiter>(),
            services.GetRequiredService<GraphQLSocketAuthenticator>(),
            services.GetRequiredService<IOptions<GraphQLApiOptions>>().Value,
            logger);
        await connection.RunAsync(http.RequestAborted);
    }
}
