using MailGateway.Api.Shared;
using MailGateway.Api.Messages;

namespace MailGateway.Api.Sending;

/// <summary>JSON body of <c>POST /accounts/{accountId}/send</c>: the compose body of append, plus sending options.</summary>
/// <param name="InReplyTo">Our id of the message this answers: sets In-Reply-To/References and "Re:", flags it \Answered once sent.</param>
/// <param name="ForwardOf">Our id of a message to attach as message/rfc822 ("Fwd:" when no subject is given).</param>
/// <param name="SaveToSent">Append a copy to the Sent mailbox (default true; skipped for servers that file sent mail themselves).</param>
/// <param name="SendAt">Send later (state scheduled until then).</param>
public sealed record SendMessageRequest(
    AddressDto? From,
    IReadOnlyList<AddressDto>? To,
    IReadOnlyList<AddressDto>? Cc,
    IReadOnlyList<AddressDto>? Bcc,
    string? Subject,
    string? Text,
    string? Html,
    IReadOnlyList<ComposeAttachmentDto>? Attachments,
    string? InReplyTo = null,
    string? ForwardOf = null,
    bool? SaveToSent = null,
    DateTimeOffset? SendAt = null);

/// <summary>202 answer of a send.</summary>
public sealed record SubmissionAcceptedDto(string Id, string State);

/// <summary>A submission as the API shows it.</summary>
public sealed record SubmissionDto(
    string Id,
    string AccountId,
    string State,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SendAt,
    int Attempts,
    DateTimeOffset? NextAttemptAt,
    SubmissionReply? LastReply,
    string? MessageIdHeader,
    string? Subject,
    string? SentMessageId,
    IReadOnlyList<SubmissionRecipient> Recipients)
{
    public static SubmissionDto From(Submission s) => new(s.Id, s.AccountId, s.State, s.CreatedAt, s.SendAt, s.Attempts,
        SubmissionStates.IsFinal(s.State) ? null : s.NextAttemptAt, s.LastReply, s.MessageIdHeader, s.Subject, s.SentMessageId, s.Recipients);
}

public sealed record OutboxListDto(IReadOnlyList<SubmissionDto> Items);

/// <summary>A send refused by an abuse limit: 429 <c>send_limit_exceeded</c> (or <c>too_many_pending_submissions</c>: the
/// user's outbox is full, Sending:MaxPendingPerUser) with <see cref="RetryAfter"/>.</summary>
public sealed class SendLimitExceededException(string detail, TimeSpan retryAfter, string code = SendLimitExceededException.DefaultCode)
    : Exception(detail), IApiFailure
{
    public const string DefaultCode = "send_limit_exceeded";
    public const string TooManyPendingCode = "too_many_pending_submissions";

    public TimeSpan RetryAfter { get; } = retryAfter;

    public ApiError Error => new(StatusCodes.Status429TooManyRequests, code, "A sending limit was reached.", Message, RetryAfter);
}
