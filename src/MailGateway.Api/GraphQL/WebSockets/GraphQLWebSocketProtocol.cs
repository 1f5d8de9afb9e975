namespace MailGateway.Api.GraphQL.WebSockets;

/// <summary>Message types of graphql-transport-ws.</summary>
internal static class MessageTypes
{
    public const string ConnectionInit = "connection_init";
    public const string ConnectionAck = "connection_ack";
    public const string Ping = "ping";
    public const string Pong = "pong";
    public const string Subscribe = "subscribe";
    public const string Next = "next";
    public const string Error = "error";
    public const string Complete = "complete";
}

/// <summary>Close codes of graphql-transport-ws (plus 4403 for a subscription to an account the caller may not see).</summary>
public static class CloseCodes
{
    public const int InternalServerError = 4500;
    public const int BadRequest = 4400;
    public const int Unauthorized = 4401;
    public const int Forbidden = 4403;
    public const int SubprotocolNotAcceptable = 4406;
    public const int ConnectionInitialisationTimeout = 4408;
    public const int SubscriberAlreadyExists = 4409;
    public const int TooManyInitialisationRequests = 4429;
}
