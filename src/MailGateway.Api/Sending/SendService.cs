using System.Buffers.Text;
using System.Security.Cryptography;
using MailGateway.Api.Messages;
using MailGateway.Api.Shared;
using MailGateway.Imap;
using MailGateway.Imap.Smtp;
using Microsoft.Extensions.Options;

namespace MailGateway.Api.Sending;

/// <summary>The one place a message enters the outbox (REST and GraphQL call it): builds the MIME, checks From and the
/// limits, and queues it. The <see cref="OutboxWorker"/> transmits it.</summary>
public sealed partial class SendService(
    IAccountAccess accounts,
    IImapSessionPool pool,
    IOutboxStore outbox,
    IServiceProvider services,
    IOptions<SendingOptions> options,
    TimeProvider time,
    ILogger<SendService> logger)
{
    private SendingOptions Options => options.Value;

    public async Task<(SubmissionDto Submission, bool Created)> SendComposedAsync(Caller caller, string accountId, SendMessageRequest request,
        string? idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var account = await FindAsync(caller, accountId, cancellationToken).ConfigureAwait(false);
        if (await KnownAsync(account, idempotencyKey, cancellationToken).ConfigureAwait(false) is { } known)
            return (known, false);
        RequireSmtp(account);
        var forwarding = request.ForwardOf is not null;
        var compose = ComposeValidation.ToComposeRequest(new ComposeMessageRequest(request.From, request.To, request.Cc, request.Bcc, request.Subject,
            request.Text ?? (forwarding && request.Html is null ? "" : null), request.Html, null, request.Attachments));
        ReplyContext? reply = null;
        byte[]? forwarded = null;
        if (request.InReplyTo is not null || forwarding)
        {
            await using var session = await pool.RentAsync(account.ToImapAccount(), cancellationToken).ConfigureAwait(false);
            if (request.InReplyTo is not null)
            {
                var original = await session.GetMessageAsync(Ids.Message(request.InReplyTo), true, cancellationToken).ConfigureAwait(false);
                reply = new ReplyContext(original.Summary.MessageIdHeader ?? "", original.References, original.Summary.Subject);
            }
            if (request.ForwardOf is not null)
            {
                var raw = await session.OpenRawAsync(Ids.Message(request.ForwardOf), cancellationToken).ConfigureAwait(false);
                using var buffer = new MemoryStream();
                await raw.WriteToAsync(buffer, cancellationToken).ConfigureAwait(false);
                forwarded = buffer.ToArray();
            }
        }
        var prepared = OutgoingMessages.Compose(compose, reply, forwarded, account.Email, time.GetUtcNow());
        return await EnqueueAsync(caller, account, prepared, request.SaveToSent ?? true, request.SendAt, request.InReplyTo, idempotencyKey, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>A raw message/rfc822 body: the envelope comes from its headers (Sender or From; To, Cc, Bcc); Bcc is not transmitted.</summary>
    public async Task<(SubmissionDto Submission, bool Created)> SendRawAsync(Caller caller, string accountId, Stream raw, bool saveToSent,
        DateTimeOffset? sendAt, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var account = await FindAsync(caller, accountId, cancellationToken).ConfigureAwait(false);
        if (await KnownAsync(account, idempotencyKey, cancellationToken).ConfigureAwait(false) is { } known)
            return (known, false);
        RequireSmtp(account);
        PreparedMessage prepared;
        try
        {
            prepared = OutgoingMessages.FromRaw(raw, time.GetUtcNow());
        }
        catch (ImapOperationException e)
        {
            throw MailApiException.Validation(e.Message);
        }
        return await EnqueueAsync(caller, account, prepared, saveToSent, sendAt, null, idempotencyKey, cancellationToken).ConfigureAwait(false);
    }

    public async Task<OutboxListDto> ListAsync(Caller caller, string accountId, int limit, CancellationToken cancellationToken)
    {
        var account = await FindAsync(caller, accountId, cancellationToken).ConfigureAwait(false);
        var items = await outbox.ListAsync(account.Id, Math.Clamp(limit, 1, 200), cancellationToken).ConfigureAwait(false);
        return new OutboxListDto([.. items.Select(SubmissionDto.From)]);
    }

    public async Task<SubmissionDto> GetAsync(Caller caller, string accountId, string submissionId, CancellationToken cancellationToken)
    {
        var account = await FindAsync(caller, accountId, cancellationToken).ConfigureAwait(false);
        var submission = await outbox.GetAsync(submissionId, cancellationToken).ConfigureAwait(false);
        return submission is not null && submission.AccountId == account.Id ? SubmissionDto.From(submission) : throw SubmissionNotFound();
    }

    /// <summary>Cancels a queued or scheduled submission; 409 <c>submission_not_cancelable</c> once it is sending or done.</summary>
    public async Task<SubmissionDto> CancelAsync(Caller caller, string accountId, string submissionId, CancellationToken cancellationToken)
    {
        var current = await GetAsync(caller, accountId, submissionId, cancellationToken).ConfigureAwait(false);
        var after = await outbox.CancelAsync(current.Id, time.GetUtcNow(), cancellationToken).ConfigureAwait(false) ?? throw SubmissionNotFound();
        if (after.State != SubmissionStates.Canceled)
            throw new MailApiException(StatusCodes.Status409Conflict, "submission_not_cancelable", "The submission can no longer be canceled.",
                $"It is {after.State}.");
        services.GetRequiredService<SendingMetrics>().Submission("canceled");
        return SubmissionDto.From(after);
    }

    /// <summary>Sending, the outbox and canceling, like every other mail API: a disabled account serves nothing (409).</summary>
    private async Task<Account> FindAsync(Caller caller, string accountId, CancellationToken cancellationToken) =>
        await accounts.FindUsableAsync(caller, accountId, cancellationToken).ConfigureAwait(false);

    private async Task<SubmissionDto?> KnownAsync(Account account, string? key, CancellationToken cancellationToken)
    {
        if (key is null) return null;
        if (key.Length is 0 or > 200 || key.Any(char.IsControl))
            throw MailApiException.Validation("Idempotency-Key must be 1-200 characters without control characters.");
        var known = await outbox.FindByIdempotencyKeyAsync(account.Id, key, cancellationToken).ConfigureAwait(false);
        return known is null ? null : SubmissionDto.From(known);
    }

    private static void RequireSmtp(Account account)
    {
        if (account.Smtp is null)
            throw new MailApiException(StatusCodes.Status422UnprocessableEntity, "smtp_not_configured", "The account has no SMTP settings.",
                "Add smtp: {host, port, security} to the account (PATCH) to send from it.");
    }

    private static MailApiException SubmissionNotFound() => new(StatusCodes.Status404NotFound, "submission_not_found", "The submission was not found.");

    internal static string NewId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(12));
}
