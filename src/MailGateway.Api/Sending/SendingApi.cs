using System.Globalization;
using System.Text.Json;
using MailGateway.Api.Messages;
using MailGateway.Api.Shared;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace MailGateway.Api.Sending;

internal static class SendingApi
{
    public static IEndpointRouteBuilder MapSendingApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(MailRoutes.AccountPrefix)
            .WithTags("Sending")
            .RequirePerUserRateLimit()
            .RequireAuthorization(Permissions.MailSend)
            .AddEndpointFilter<MailProblemFilter>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        group.MapPost("/send", SendMessage)
            .WithName(nameof(SendMessage))
            .WithSummary("Send a message: JSON compose (plus inReplyTo, forwardOf, saveToSent, sendAt) or raw message/rfc822")
            .WithDescription("Queues the message in the durable outbox and answers 202 {id, state}. From must be the account's email or an alias " +
                "(422 from_not_allowed). A raw body's envelope comes from its headers; Bcc is never transmitted. Raw bodies take saveToSent and " +
                "sendAt as query parameters. The same Idempotency-Key answers the same submission for 24 h. Limits: 429 send_limit_exceeded, " +
                "429 too_many_pending_submissions (Sending:MaxPendingPerUser), with Retry-After.")
            .Accepts<SendMessageRequest>("application/json", "message/rfc822")
            .Produces<SubmissionAcceptedDto>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        group.MapGet("/outbox", ListOutbox).WithName(nameof(ListOutbox)).WithSummary("List the account's submissions, newest first");
        group.MapGet("/outbox/{submissionId}", GetSubmission).WithName(nameof(GetSubmission))
            .WithSummary("One submission: state, attempts, last SMTP reply, per-recipient results, the copy in Sent");
        group.MapDelete("/outbox/{submissionId}", CancelSubmission).WithName(nameof(CancelSubmission))
            .WithSummary("Cancel a queued or scheduled submission (409 submission_not_cancelable once sending)")
            .ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    public static async Task<Results<Accepted<SubmissionAcceptedDto>, ProblemHttpResult>> SendMessage(string accountId, HttpContext context,
        [FromServices] SendService sending, [FromServices] IOptions<MessagesOptions> messages, bool? saveToSent, DateTimeOffset? sendAt,
        CancellationToken cancellationToken)
    {
        var caller = Caller.From(context.User);
        var key = context.Request.Headers["Idempotency-Key"].FirstOrDefault();
        var limit = messages.Value.MaxUploadBytes;
        UploadBody.CheckDeclaredLength(context, limit);
        try
        {
            (SubmissionDto Submission, bool Created) result;
            if (context.Request.HasJsonContentType())
            {
                var json = context.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
                SendMessageRequest? request;
                try { request = await JsonSerializer.DeserializeAsync<SendMessageRequest>(UploadBody.Limit(context.Request.Body, limit), json, cancellationToken); }
                catch (JsonException e) { throw MailApiException.Validation($"The JSON body could not be read: {e.Path}"); }
                result = await sending.SendComposedAsync(caller, accountId, request ?? throw MailApiException.Validation("A JSON body is required."), key, cancellationToken);
            }
            else if (context.Request.ContentType?.StartsWith("message/rfc822", StringComparison.OrdinalIgnoreCase) == true)
            {
                await using var raw = await UploadBody.SpoolAsync(context.Request.Body, limit, cancellationToken);
                if (raw.Length == 0) throw MailApiException.Validation("The message body is empty.");
                result = await sending.SendRawAsync(caller, accountId, raw, saveToSent ?? true, sendAt, key, cancellationToken);
            }
            else
            {
                throw new MailApiException(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "Send message/rfc822 or application/json.");
            }
            return TypedResults.Accepted($"/api/v1/accounts/{accountId}/outbox/{result.Submission.Id}",
                new SubmissionAcceptedDto(result.Submission.Id, result.Submission.State));
        }
        catch (SendLimitExceededException e)
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(e.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return ApiProblems.Create(StatusCodes.Status429TooManyRequests, e.Error.Code, e.Error.Title, e.Message);
        }
    }

    public static async Task<Ok<OutboxListDto>> ListOutbox(string accountId, int? limit, HttpContext context, [FromServices] SendService sending,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await sending.ListAsync(Caller.From(context.User), accountId, limit ?? 50, cancellationToken));

    public static async Task<Ok<SubmissionDto>> GetSubmission(string accountId, string submissionId, HttpContext context,
        [FromServices] SendService sending, CancellationToken cancellationToken) =>
        TypedResults.Ok(await sending.GetAsync(Caller.From(context.User), accountId, submissionId, cancellationToken));

    public static async Task<Ok<SubmissionDto>> CancelSubmission(string accountId, string submissionId, HttpContext context,
        [FromServices] SendService sending, CancellationToken cancellationToken) =>
        TypedResults.Ok(await sending.CancelAsync(Caller.From(context.User), accountId, submissionId, cancellationToken));
}
