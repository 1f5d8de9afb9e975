using GraphQL.Transport;

namespace MailGateway.Api.GraphQL.WebSockets;

internal sealed partial class GraphQLWebSocketConnection
{
    private async Task InitializeAsync(OperationMessage message, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _initReceived, 1) == 1)
        {
            Close(CloseCodes.TooManyInitialisationRequests, "Too many initialisation requests");
            return;
        }
        var user = await authenticator.AuthenticateAsync(http, message.Payload, cancellationToken);
        if (user is null)
        {
            Close(CloseCodes.Unauthorized, "Unauthorized");
            return;
        }
        _user = user;
        WatchExpiry(user, cancellationToken);
        Send(new OperationMessage { Type = MessageTypes.ConnectionAck });
    }

    private async Task InitTimeoutAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(options.ConnectionInitTimeout, cancellationToken);
            if (Volatile.Read(ref _initReceived) == 0) Close(CloseCodes.ConnectionInitialisationTimeout, "Connection initialisation timeout");
        }
        catch (OperationCanceledException)
        {
            // The connection ended first.
        }
    }
}
