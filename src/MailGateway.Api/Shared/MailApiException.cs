using Microsoft.AspNetCore.Http.HttpResults;

namespace MailGateway.Api.Shared;

/// <summary>
/// A client-caused failure of a mail operation with a stable problem <see cref="Code"/>. Thrown by the
/// shared services (REST and GraphQL both call them) and turned into RFC 9457 problems at the edge.
/// </summary>
public sealed class MailApiException(int status, string code, string title, string? detail = null) : Exception(detail ?? title)
{
    public int Status { get; } = status;
    public string Code { get; } = code;
    public string Title { get; } = title;
    public string? Detail { get; } = detail;

    public static MailApiException AccountDisabled() => new(409, "account_disabled", "The account is disabled.",
        "PATCH the account with disabled: false to use it again.");
    public static MailApiException AccountNotFound() => new(404, "account_not_found", "The account was not found.");
    public static MailApiException MailboxNotFound() => new(404, "mailbox_not_found", "The mailbox was not found.");
    public static MailApiException MessageNotFound() => new(404, "message_not_found", "The message was not found.");
    public static MailApiException AttachmentNotFound() => new(404, "attachment_not_found", "The attachment was not found.");
    public static MailApiException Validation(string detail) => new(400, "validation_failed", "The request is not valid.", detail);
    public static MailApiException InvalidCursor(string detail) => new(400, "invalid_cursor", "The cursor is not valid for this request.", detail);
    public static MailApiException MailboxProtected(string detail) => new(422, "mailbox_protected", "The mailbox cannot be changed this way.", detail);
    public static MailApiException InvalidState(string detail) => new(400, "invalid_state", "The state token is not valid for this mailbox.", detail);

    public ProblemHttpResult ToProblem() => ApiProblems.Create(Status, Code, Title, Detail);

    public static MailApiException PayloadTooLarge(long limit) =>
        new(413, "payload_too_large", "The request body is too large.", $"The limit is {limit} bytes (Messages:MaxUploadBytes).");
}

/// <summary>
/// Answers <see cref="MailApiException"/> of a route group as problems. The IMAP layer's own exceptions
/// (not found, stale, 410, upstream failures) go on to the host's exception handler, which maps them once for every feature.
/// </summary>
internal sealed class MailProblemFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (MailApiException exception)
        {
            return exception.ToProblem();
        }
    }
}
