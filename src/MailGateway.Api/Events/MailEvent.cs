using System.Text.Json;

namespace MailGateway.Api.Events;

/// <summary>The one event model for SignalR, GraphQL subscriptions and webhooks (docs/architecture.md, "Event path").
/// <see cref="Id"/> is deterministic for a given change, so a repeat is recognisable.</summary>
public sealed record MailEvent(string Id, string Type, DateTimeOffset OccurredAt, string AccountId, JsonElement Data);

public static class MailEventTypes
{
    public const string MessageCreated = "message.created";
    public const string MessageUpdated = "message.updated";
    public const string MessageDeleted = "message.deleted";
    public const string MailboxCreated = "mailbox.created";
    public const string MailboxRenamed = "mailbox.renamed";
    public const string MailboxDeleted = "mailbox.deleted";
    public const string MailboxReset = "mailbox.reset";
    public const string AccountConnected = "account.connected";
    public const string AccountAuthFailed = "account.authFailed";
    public const string AccountDisconnected = "account.disconnected";
    public const string WebhookTest = "webhook.test";
    public const string MessageSent = "message.sent";
    public const string MessageSendFailed = "message.sendFailed";
}

/// <summary>Where an event reaches: every instance (for its own connected clients) or exactly once in the cluster.</summary>
public enum EventDelivery
{
    /// <summary>Called on every instance for every event: SignalR and GraphQL subscriptions of this instance's clients.</summary>
    EveryInstance,
    /// <summary>Called once in the whole cluster, by the instance that publishes: the webhook queue.</summary>
    Once,
}

/// <summary>A consumer of the one event pipeline. Register as <c>IMailEventSink</c> in DI.</summary>
public interface IMailEventSink
{
    EventDelivery Delivery { get; }
    ValueTask HandleAsync(MailEvent mailEvent, CancellationToken cancellationToken = default);
}

/// <summary>A sink whose acceptance makes an event durable (the webhook queue): when it fails, the event is not
/// published, its dedupe claim is released and the watcher's checkpoint stays put, so it is retried from IMAP state.</summary>
public interface IDurableMailEventSink : IMailEventSink;

/// <summary>The one publisher: watchers (and tests) hand events here; it fans them out to the sinks.</summary>
public interface IMailEventPublisher
{
    ValueTask PublishAsync(MailEvent mailEvent, CancellationToken cancellationToken = default);
}
