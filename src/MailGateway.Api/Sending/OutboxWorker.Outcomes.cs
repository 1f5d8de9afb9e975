namespace MailGateway.Api.Sending;

internal sealed partial class OutboxWorker
{
    private async Task DeferAsync(OutboxClaim claim, Submission submission, SubmissionReply reply, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now - submission.CreatedAt >= Options.GiveUpAfter)
        {
            await FailAsync(claim, submission, reply, submission.Recipients, cancellationToken).ConfigureAwait(false);
            return;
        }
        var next = now + Options.RetryDelay(Math.Max(1, submission.Attempts));
        // A sent message retrying recipients answered 4xx stays sent: the accepted ones have it.
        var deferred = submission with { State = submission.Accepted ? SubmissionStates.Sent : SubmissionStates.Queued, LastReply = reply, NextAttemptAt = next, UpdatedAt = now };
        if (!await LeaseBoundRetry.RunAsync(claim, time, () => outbox.ReleaseAsync(claim, deferred, next, CancellationToken.None), CancellationToken.None).ConfigureAwait(false))
            SendingLog.LeaseLost(logger, submission.Id);
        SendingLog.Deferred(logger, submission.Id, submission.AccountId, submission.Attempts, next, $"{reply.Code} {reply.Text}");
    }

    private async Task FailAsync(OutboxClaim claim, Submission submission, SubmissionReply reply, IReadOnlyList<SubmissionRecipient> recipients,
        CancellationToken cancellationToken)
    {
        var failed = submission with
        {
            State = submission.Accepted ? SubmissionStates.Sent : SubmissionStates.Failed,
            LastReply = reply,
            Recipients = [.. recipients.Select(r => r.State == "pending" ? r with { State = "rejected", Reply = r.Reply ?? reply } : r)],
            NextAttemptAt = null,
            UpdatedAt = time.GetUtcNow(),
        };
        if (!await LeaseBoundRetry.RunAsync(claim, time, () => outbox.ReleaseAsync(claim, failed, null, CancellationToken.None), CancellationToken.None).ConfigureAwait(false))
            SendingLog.LeaseLost(logger, submission.Id);
        if (!submission.Accepted) metrics.Submission("failed");
        SendingLog.Failed(logger, submission.Id, submission.AccountId, reply.Code, reply.Text);
        await followUp.PublishFailedAsync(claim, failed, permanent: reply.Code is >= 500 and < 600 || reply.Code == 0, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>After a retry of 4xx recipients: due again while some are still pending, else finished.</summary>
    private async Task ReleaseRemainingAsync(OutboxClaim claim, Submission submission, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (submission.Recipients.Any(r => r.State == "pending") && now - submission.CreatedAt >= Options.GiveUpAfter)
        {
            await FailAsync(claim, submission, submission.LastReply ?? new SubmissionReply(0, ""), submission.Recipients, cancellationToken).ConfigureAwait(false);
            return;
        }
        DateTimeOffset? next = submission.Recipients.Any(r => r.State == "pending") ? now + Options.RetryDelay(Math.Max(1, submission.Attempts)) : null;
        if (!await LeaseBoundRetry.RunAsync(claim, time, () => outbox.ReleaseAsync(claim, submission with { NextAttemptAt = next, UpdatedAt = now }, next, CancellationToken.None), CancellationToken.None).ConfigureAwait(false))
            SendingLog.LeaseLost(logger, submission.Id);
    }
}
