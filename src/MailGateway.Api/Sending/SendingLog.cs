namespace MailGateway.Api.Sending;

/// <summary>Source-generated logs of sending (EventIds 3520-3599; the SMTP client has 3500-3519). No secrets, no message content.</summary>
internal static partial class SendingLog
{
    [LoggerMessage(3520, LogLevel.Information, "Submission {SubmissionId} of account {AccountId} queued for {Recipients} recipients (due {DueAt})")]
    public static partial void Queued(ILogger logger, string submissionId, string accountId, int recipients, DateTimeOffset dueAt);

    [LoggerMessage(3521, LogLevel.Information, "Submission {SubmissionId} of account {AccountId} sent (attempt {Attempt})")]
    public static partial void Sent(ILogger logger, string submissionId, string accountId, int attempt);

    [LoggerMessage(3522, LogLevel.Warning, "Submission {SubmissionId} of account {AccountId} failed for good: {Code} {Reason}")]
    public static partial void Failed(ILogger logger, string submissionId, string accountId, int code, string reason);

    [LoggerMessage(3523, LogLevel.Information, "Submission {SubmissionId} of account {AccountId} deferred (attempt {Attempt}, next at {NextAt}): {Reason}")]
    public static partial void Deferred(ILogger logger, string submissionId, string accountId, int attempt, DateTimeOffset nextAt, string reason);

    [LoggerMessage(3524, LogLevel.Warning, "Submission {SubmissionId}: a step after sending failed (Sent copy, Answered flag or event); retrying")]
    public static partial void FollowUpFailed(ILogger logger, string submissionId, Exception exception);

    [LoggerMessage(3525, LogLevel.Warning, "Submission {SubmissionId}: the processing lease was lost; another instance continues")]
    public static partial void LeaseLost(ILogger logger, string submissionId);

    [LoggerMessage(3526, LogLevel.Error, "The outbox worker failed; it retries")]
    public static partial void WorkerFailed(ILogger logger, Exception exception);

    [LoggerMessage(3527, LogLevel.Information, "Submission {SubmissionId} was already accepted by the server before a restart: not transmitted again")]
    public static partial void ResumedAfterAccept(ILogger logger, string submissionId);

    [LoggerMessage(3528, LogLevel.Warning, "Send limit reached for account {AccountId} ({Limit})")]
    public static partial void LimitReached(ILogger logger, string accountId, string limit);
}
