using System.Text.Json;
using MailGateway.Api.Events;
using MailGateway.Api.Shared;
using MailGateway.Imap;
using Microsoft.Extensions.Options;

namespace MailGateway.Api.Sending;

/// <summary>What happens after the server accepted a message: the copy in Sent, \Answered on the original, and the
/// <c>message.sent</c> event through the one event pipeline. Repeated after a crash (the event id is fixed per
/// submission, so the pipeline drops a repeat). The IMAP steps are given up after a few failures so a broken IMAP side cannot
/// hold the submission forever; the event is retried until the pipeline took it (a Redis stall delays it, never drops it).</summary>
internal sealed class OutboxFollowUp(
    IOutboxStore outbox,
    IAccountStore accounts,
    IImapSessionPool pool,
    IMailEventPublisher events,
    SendingMetrics metrics,
    IOptions<SendingOptions> options,
    TimeProvider time,
    ILogger<OutboxFollowUp> logger)
{
    private const int MaxAttempts = 8;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task RunAsync(OutboxClaim claim, Submission submission, CancellationToken cancellationToken)
    {
        try
        {
            var account = await LeaseBoundRetry.RunAsync(claim, time, () => accounts.GetAsync(submission.AccountId, cancellationToken), cancellationToken).ConfigureAwait(false);
            // The IMAP steps are given up after a few failures; the event never is (its failures are the event pipeline's).
            if (account is not null && submission.FollowUpAttempts < MaxAttempts
                && (submission.SaveToSent && submission.SentMessageId is null || submission.ReplyToMessageId is not null))
                submission = await FileAsync(account, submission, claim, cancellationToken).ConfigureAwait(false);
            var sent = Event(submission, MailEventTypes.MessageSent,
                new { submissionId = submission.Id, messageIdHeader = submission.MessageIdHeader, sentMessageId = submission.SentMessageId });
            await LeaseBoundRetry.RunAsync(claim, time, () => events.PublishAsync(sent, cancellationToken).AsTask(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            SendingLog.FollowUpFailed(logger, submission.Id, ex);
            var retry = submission with { FollowUpAttempts = submission.FollowUpAttempts + 1 };
            var at = time.GetUtcNow() + TimeSpan.FromSeconds(5 << Math.Min(retry.FollowUpAttempts, 6));
            await LeaseBoundRetry.RunAsync(claim, time, () => outbox.ReleaseAsync(claim, retry, at, CancellationToken.None), CancellationToken.None).ConfigureAwait(false);
            return;
        }
        // Recipients the server answered 4xx at RCPT are retried (alone) on the retry schedule.
        var now = time.GetUtcNow();
        DateTimeOffset? retryAt = submission.Recipients.Any(r => r.State == "pending")
            ? now + options.Value.RetryDelay(Math.Max(1, submission.Attempts)) : null;
        var done = submission with { FollowedUp = true, NextAttemptAt = retryAt, UpdatedAt = now };
        if (!await LeaseBoundRetry.RunAsync(claim, time, () => outbox.ReleaseAsync(claim, done, retryAt, CancellationToken.None), CancellationToken.None).ConfigureAwait(false))
            SendingLog.LeaseLost(logger, submission.Id);
        metrics.Submission("sent");
    }

    /// <summary>After the final release of a failed submission, still under its lease's time: a Redis stall shorter than
    /// that delays <c>message.sendFailed</c>, a longer one loses it (logged).</summary>
    public async Task PublishFailedAsync(OutboxClaim claim, Submission submission, bool permanent, CancellationToken cancellationToken)
    {
        try
        {
            var failed = Event(submission, MailEventTypes.MessageSendFailed, new { submissionId = submission.Id, permanent, reply = submission.LastReply });
            await LeaseBoundRetry.RunAsync(claim, time, () => events.PublishAsync(failed, cancellationToken).AsTask(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            SendingLog.FollowUpFailed(logger, submission.Id, ex);
        }
    }

    private async Task<Submission> FileAsync(Account account, Submission submission, OutboxClaim claim, CancellationToken cancellationToken)
    {
        await using var session = await pool.RentAsync(account.ToImapAccount(), cancellationToken).ConfigureAwait(false);
        if (submission.SaveToSent && submission.SentMessageId is null)
        {
            var mailboxes = await session.ListMailboxesAsync(cancellationToken).ConfigureAwait(false);
            var sent = mailboxes.FirstOrDefault(m => m.SpecialUse == "sent") ?? mailboxes.FirstOrDefault(m => string.Equals(m.Path, "Sent", StringComparison.OrdinalIgnoreCase));
            var mime = await outbox.GetMimeAsync(submission.Id, cancellationToken).ConfigureAwait(false);
            if (sent is not null && mime is not null)
            {
                using var stream = new MemoryStream(mime, writable: false);
                var copy = await session.AppendAsync(sent.Path, stream, [@"\Seen"], null, cancellationToken).ConfigureAwait(false);
                submission = submission with { SentMessageId = ResourceIds.Message(copy) };
                await LeaseBoundRetry.RunAsync(claim, time, () => outbox.CheckpointAsync(claim, submission, CancellationToken.None), CancellationToken.None).ConfigureAwait(false);
            }
        }
        if (submission.ReplyToMessageId is { } original && ResourceIds.TryParseMessage(original, out var reference))
        {
            try
            {
                await session.UpdateFlagsAsync(reference.Mailbox, reference.UidValidity, [reference.Uid], new FlagChange(Answered: true), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is MessageNotFoundException or StaleMessageException or MailboxNotFoundException)
            {
                // The original is gone: nothing to flag.
            }
            submission = submission with { ReplyToMessageId = null };
        }
        return submission;
    }

    private MailEvent Event(Submission submission, string type, object data) =>
        new($"{type}:{submission.Id}", type, time.GetUtcNow(), submission.AccountId, JsonSerializer.SerializeToElement(data, Json));
}
