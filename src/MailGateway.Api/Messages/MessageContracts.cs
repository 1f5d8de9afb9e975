namespace MailGateway.Api.Messages;

/// <summary>An address as the API shows it (<c>{name?, address}</c>).</summary>
public sealed record AddressDto(string? Name, string Address);

/// <summary>The summary shown in lists; the same model events carry as <c>message.created</c> data.</summary>
public record MessageSummaryDto
{
    public string Id { get; init; } = "";
    public string MailboxId { get; init; } = "";
    public uint Uid { get; init; }
    public string? MessageIdHeader { get; init; }
    public string? Subject { get; init; }
    public IReadOnlyList<AddressDto> From { get; init; } = [];
    public IReadOnlyList<AddressDto> To { get; init; } = [];
    public IReadOnlyList<AddressDto> Cc { get; init; } = [];
    public DateTimeOffset? Date { get; init; }
    public DateTimeOffset? ReceivedAt { get; init; }
    public long Size { get; init; }
    public IReadOnlyList<string> Flags { get; init; } = [];
    public bool Seen { get; init; }
    public bool Flagged { get; init; }
    public bool Answered { get; init; }
    public bool Draft { get; init; }
    public bool HasAttachments { get; init; }
    public string? Preview { get; init; }

    /// <summary>True when the server's answer for this message could not be summarised: only uid, size, flags and dates are known.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public bool Unparsable { get; init; }
}

/// <summary>One header line of a message.</summary>
public sealed record HeaderDto(string Name, string Value);

/// <summary>An attachment or inline part; download it at <c>.../messages/{messageId}/attachments/{id}</c>.</summary>
public sealed record AttachmentDto(string Id, string? Filename, string ContentType, long Size, string? ContentId, bool Inline);

/// <summary>A whole message for display: the summary plus headers, bodies and attachments.</summary>
public sealed record MessageDetailDto : MessageSummaryDto
{
    public MessageDetailDto(MessageSummaryDto summary) : base(summary) { }

    public IReadOnlyList<HeaderDto> Headers { get; init; } = [];
    public string? Text { get; init; }
    /// <summary>Sanitized HTML unless the request asked for <c>rawHtml=true</c>.</summary>
    public string? Html { get; init; }
    /// <summary>True when remote images or CSS URLs were taken out of <see cref="Html"/> (ask with <c>allowRemoteContent=true</c>).</summary>
    public bool RemoteContentBlocked { get; init; }
    public IReadOnlyList<AttachmentDto> Attachments { get; init; } = [];
    public string? InReplyTo { get; init; }
    public IReadOnlyList<string> References { get; init; } = [];
}

/// <summary>One page of a message list, newest first.</summary>
/// <param name="NextCursor">Pass as <c>cursor</c> to get the next (older) page; null on the last page.</param>
/// <param name="State">Opaque sync state of the mailbox, usable as <c>since</c> for <c>/changes</c>.</param>
public sealed record MessageListDto(IReadOnlyList<MessageSummaryDto> Items, string? NextCursor, string State);

/// <summary>Body of <c>PATCH .../messages/{messageId}</c>: flags to set or clear, keywords to add or remove.</summary>
public sealed record UpdateMessageRequest(
    bool? Seen = null,
    bool? Flagged = null,
    bool? Answered = null,
    bool? Draft = null,
    IReadOnlyList<string>? AddFlags = null,
    IReadOnlyList<string>? RemoveFlags = null);

/// <summary>Body of <c>/move</c> and <c>/copy</c>.</summary>
public sealed record MessageTargetRequest(string? MailboxId);

/// <summary>The id of a message in its new place (null only when the server could not tell).</summary>
public sealed record MessageIdDto(string? Id);

/// <summary>JSON compose body of an append.</summary>
public sealed record ComposeMessageRequest(
    AddressDto? From,
    IReadOnlyList<AddressDto>? To,
    IReadOnlyList<AddressDto>? Cc,
    IReadOnlyList<AddressDto>? Bcc,
    string? Subject,
    string? Text,
    string? Html,
    string? InReplyTo,
    IReadOnlyList<ComposeAttachmentDto>? Attachments);

public sealed record ComposeAttachmentDto(string? Filename, string? ContentType, string? ContentBase64);

/// <summary>Body of <c>POST .../messages/batch</c>.</summary>
public sealed record BatchRequest(
    IReadOnlyList<string>? Ids,
    string? Action,
    bool? Seen = null,
    bool? Flagged = null,
    bool? Answered = null,
    bool? Draft = null,
    IReadOnlyList<string>? AddFlags = null,
    IReadOnlyList<string>? RemoveFlags = null,
    string? MailboxId = null,
    bool? Permanent = null);

/// <summary>The outcome for one id of a batch; <see cref="Error"/> is a problem code such as <c>message_not_found</c>.</summary>
public sealed record BatchItemResult(string Id, bool Ok, string? NewId = null, string? Error = null);

public sealed record BatchResponse(IReadOnlyList<BatchItemResult> Results);
