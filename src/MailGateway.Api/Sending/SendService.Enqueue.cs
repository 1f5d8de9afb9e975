using MailGateway.Api.Accounts;
using MailGateway.Api.Shared;
using MailGateway.Imap.Smtp;

namespace MailGateway.Api.Sending;

public sealed partial class SendService
{
    private async Task<(SubmissionDto, bool)> EnqueueAsync(Caller caller, Account account, PreparedMessage prepared, bool saveToSent,
        DateTimeOffset? sendAt, string? replyToMessageId, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var metrics = services.GetRequiredService<SendingMetrics>();
        if (prepared.FromAddresses.Count == 0 || prepared.EnvelopeFrom is null)
            throw MailApiException.Validation("The message needs a From address.");
        var foreign = prepared.FromAddresses.Append(prepared.EnvelopeFrom).FirstOrDefault(a => !account.MaySendAs(a));
        if (foreign is not null)
            throw new MailApiException(StatusCodes.Status422UnprocessableEntity, "from_not_allowed", "From must be one of the account's addresses.",
                $"'{foreign}' is neither the account's email nor one of its aliases.");
        if (prepared.Recipients.Count == 0)
            throw MailApiException.Validation("The message needs at least one recipient (to, cc or bcc).");
        var now = time.GetUtcNow();
        if (sendAt is { } at && (at > now + TimeSpan.FromDays(30)))
            throw MailApiException.Validation("sendAt must be within 30 days.");
        if (prepared.Recipients.Count > Options.MaxRecipients)
            throw Limited(metrics, account, $"At most {Options.MaxRecipients} recipients per message (Sending:MaxRecipients).", TimeSpan.FromHours(1));
        if (prepared.Mime.Length > Options.MaxMessageBytes)
            throw Limited(metrics, account, $"At most {Options.MaxMessageBytes} bytes per message (Sending:MaxMessageBytes).", TimeSpan.FromHours(1));
        if (await services.GetRequiredService<SendBudget>().TryTakeAsync(account.Id, caller.OwnerId, cancellationToken).ConfigureAwait(false) is { } over)
            throw Limited(metrics, account, $"The hourly send budget ({over.Limit}) is used up.", over.RetryAfter);

        var scheduled = sendAt is { } when && when > now + TimeSpan.FromSeconds(1);
        var due = scheduled ? sendAt!.Value : now;
        var submission = new Submission
        {
            Id = NewId(),
            AccountId = account.Id,
            OwnerId = account.OwnerId,
            State = scheduled ? SubmissionStates.Scheduled : SubmissionStates.Queued,
            CreatedAt = now,
            SendAt = sendAt,
            NextAttemptAt = due,
            MessageIdHeader = prepared.MessageIdHeader,
            Subject = prepared.Subject,
            Recipients = [.. prepared.Recipients.Select(r => new SubmissionRecipient(r, "pending", null))],
            EnvelopeFrom = prepared.EnvelopeFrom,
            SaveToSent = saveToSent && !Options.ServerFilesSent(account.Smtp!.Host),
            ReplyToMessageId = replyToMessageId,
            Size = prepared.Mime.Length,
            UpdatedAt = now,
        };
        (Submission stored, bool created) added;
        try
        {
            added = await outbox.AddAsync(submission, prepared.Mime, due, idempotencyKey, Options.IdempotencyWindow, Options.MaxPendingPerUser,
                cancellationToken).ConfigureAwait(false);
        }
        catch (OutboxFullException)
        {
            await services.GetRequiredService<SendBudget>().GiveBackAsync(account.Id, caller.OwnerId, CancellationToken.None).ConfigureAwait(false);
            throw Limited(metrics, account, $"At most {Options.MaxPendingPerUser} submissions per user may wait or be in flight at once " +
                "(Sending:MaxPendingPerUser); send again once some are sent.", PendingRetryAfter, SendLimitExceededException.TooManyPendingCode);
        }
        var (stored, created) = added;
        if (created)
        {
            metrics.Submission(stored.State);
            SendingLog.Queued(logger, stored.Id, account.Id, stored.Recipients.Count, due);
            services.GetRequiredService<OutboxSignal>().Notify();
        }
        return (SubmissionDto.From(stored), created);
    }

    /// <summary>When a user at <see cref="SendingOptions.MaxPendingPerUser"/> may try again: a guess, submissions finish in seconds.</summary>
    private static readonly TimeSpan PendingRetryAfter = TimeSpan.FromSeconds(30);

    private SendLimitExceededException Limited(SendingMetrics metrics, Account account, string detail, TimeSpan retryAfter,
        string code = SendLimitExceededException.DefaultCode)
    {
        metrics.Submission("limited");
        SendingLog.LimitReached(logger, account.Id, detail);
        return new SendLimitExceededException(detail, retryAfter, code);
    }
}

/// <summary>Wakes this instance's outbox worker when a submission was queued (other instances find it by polling).</summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        if (_signal.CurrentCount == 0)
        {
            try { _signal.Release(); }
            catch (SemaphoreFullException) { /* already signalled */ }
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}
