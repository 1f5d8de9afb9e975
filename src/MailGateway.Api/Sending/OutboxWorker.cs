using MailGateway.Api.Accounts;
using MailGateway.Api.Shared;
using MailGateway.Imap;
using MailGateway.Imap.Smtp;
using Microsoft.Extensions.Options;

namespace MailGateway.Api.Sending;

/// <summary>Transmits due submissions under a processing lease, <see cref="SendingOptions.Concurrency"/> at a time per instance
/// and at most one per user, taken by one claimer (OutboxWorker.Loops.cs). Temporary failures (connection,
/// 4xx) retry on <see cref="SendingOptions.RetrySchedule"/> until <see cref="SendingOptions.GiveUpAfter"/>; 5xx ends as failed.
/// The 250 to DATA is recorded (<see cref="Submission.Accepted"/>) before anything else, so a submission resumed after a crash
/// is never transmitted again: only the steps after it (Sent copy, \Answered, event) are repeated.</summary>
internal sealed partial class OutboxWorker(
    IOutboxStore outbox,
    IAccountStore accounts,
    ISmtpSender smtp,
    OutboxSignal signal,
    OutboxFollowUp followUp,
    SendingMetrics metrics,
    IOptions<SendingOptions> options,
    TimeProvider time,
    ILogger<OutboxWorker> logger) : BackgroundService
{
    private SendingOptions Options => options.Value;

    internal async Task ProcessAsync(OutboxClaim claim, CancellationToken cancellationToken)
    {
        // The claim was taken just before: keep a margin so no retried write outlives the lease.
        claim = claim with { LeaseEnds = claim.LeaseEnds ?? time.GetUtcNow() + Options.Lease * 0.8 };
        var submission = claim.Submission;
        if (submission.Accepted && !submission.FollowedUp)
        {
            SendingLog.ResumedAfterAccept(logger, submission.Id);
            await followUp.RunAsync(claim, submission, cancellationToken).ConfigureAwait(false);
            return;
        }
        var account = await LeaseBoundRetry.RunAsync(claim, time, () => accounts.GetAsync(submission.AccountId, cancellationToken), cancellationToken).ConfigureAwait(false);
        if (account?.ToSmtpAccount() is not { } smtpAccount)
        {
            await FailAsync(claim, submission, new SubmissionReply(0, "The account or its SMTP settings were removed."), submission.Recipients, cancellationToken).ConfigureAwait(false);
            return;
        }
        if (account.Disabled)
        {
            await DeferAsync(claim, submission, new SubmissionReply(0, "The account is disabled."), cancellationToken).ConfigureAwait(false);
            return;
        }
        var mime = await LeaseBoundRetry.RunAsync(claim, time, () => outbox.GetMimeAsync(submission.Id, cancellationToken), cancellationToken).ConfigureAwait(false);
        if (mime is null)
        {
            await FailAsync(claim, submission, new SubmissionReply(0, "The stored message is gone."), submission.Recipients, cancellationToken).ConfigureAwait(false);
            return;
        }

        submission = submission with { Attempts = submission.Attempts + 1, UpdatedAt = time.GetUtcNow() };
        var pending = submission.Recipients.Where(r => r.State == "pending").Select(r => r.Address).ToList();
        if (pending.Count == 0)
        {
            await LeaseBoundRetry.RunAsync(claim, time, () => outbox.ReleaseAsync(claim, submission with { NextAttemptAt = null }, null, CancellationToken.None), CancellationToken.None).ConfigureAwait(false);
            return;
        }
        SmtpSendResult result;
        try
        {
            using var stream = new MemoryStream(mime, writable: false);
            result = await smtp.SendAsync(smtpAccount, new SmtpEnvelope(submission.EnvelopeFrom, pending), stream, cancellationToken).ConfigureAwait(false);
        }
        catch (SmtpRejectedException ex)
        {
            var recipients = Merge(submission.Recipients, ex.Recipients);
            var reply = new SubmissionReply(ex.Reply.Code, ex.Reply.Text);
            metrics.Attempt(ex.Permanent ? "rejected" : "deferred", ex.Reply.Class);
            if (ex.Permanent)
                await FailAsync(claim, submission with { Recipients = recipients }, reply, recipients, cancellationToken).ConfigureAwait(false);
            else
                await DeferAsync(claim, submission with { Recipients = recipients }, reply, cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (ImapPolicyException ex)
        {
            metrics.Attempt("refused", "none");
            await FailAsync(claim, submission, new SubmissionReply(0, ex.Message), submission.Recipients, cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (Exception ex) when (ex is SmtpUnavailableException or SmtpAuthenticationException or ImapGatewayException)
        {
            var reply = ex switch
            {
                SmtpUnavailableException { Reply: { } r } => new SubmissionReply(r.Code, r.Text),
                SmtpAuthenticationException { Reply: { } r } => new SubmissionReply(r.Code, r.Text),
                _ => new SubmissionReply(0, ex.Message),
            };
            metrics.Attempt("deferred", reply.Code == 0 ? "none" : $"{reply.Code / 100}xx");
            await DeferAsync(claim, submission, reply, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (submission.Accepted)
        {
            // A retry for recipients refused with 4xx: the others already have it, and the follow-up is done.
            metrics.Attempt("accepted", result.Reply.Class);
            await ReleaseRemainingAsync(claim, submission with
            {
                LastReply = new SubmissionReply(result.Reply.Code, result.Reply.Text),
                Recipients = Merge(submission.Recipients, result.Recipients),
            }, cancellationToken).ConfigureAwait(false);
            return;
        }

        // DATA accepted: record it before anything else.
        var accepted = submission with
        {
            Accepted = true,
            State = SubmissionStates.Sent,
            LastReply = new SubmissionReply(result.Reply.Code, result.Reply.Text),
            Recipients = Merge(submission.Recipients, result.Recipients),
            UpdatedAt = time.GetUtcNow(),
        };
        metrics.Attempt("accepted", result.Reply.Class);
        metrics.Accepted(time.GetUtcNow() - submission.CreatedAt);
        if (!await LeaseBoundRetry.RunAsync(claim, time, () => outbox.CheckpointAsync(claim, accepted, CancellationToken.None), CancellationToken.None).ConfigureAwait(false))
            SendingLog.LeaseLost(logger, submission.Id);
        SendingLog.Sent(logger, submission.Id, submission.AccountId, accepted.Attempts);
        await followUp.RunAsync(claim, accepted, cancellationToken).ConfigureAwait(false);
    }

    private static List<SubmissionRecipient> Merge(IReadOnlyList<SubmissionRecipient> current, IReadOnlyList<SmtpRecipientResult> results) =>
        [.. current.Select(r => results.FirstOrDefault(x => string.Equals(x.Address, r.Address, StringComparison.OrdinalIgnoreCase)) is { } x
            ? new SubmissionRecipient(r.Address,
                x.Accepted ? "accepted" : x.Reply.IsPermanent ? "rejected" : "pending",
                new SubmissionReply(x.Reply.Code, x.Reply.Text))
            : r)];
}
