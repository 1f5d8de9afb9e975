using Microsoft.AspNetCore.Http.HttpResults;

namespace MailGateway.Api.Shared;

/// <summary>
/// A client-caused failure with a stable problem <see cref="Code"/>. Thrown by the shared services (REST, GraphQL and
/// the hub all call them) and turned into a REST problem, GraphQL error or hub error through <see cref="ErrorCatalogue"/>.
/// </summary>
public sealed class MailApiException(int status, string code, string title, string? detail = null) : Exception(detail ?? title), IApiFailure
{
    public int Status { get; } = status;
    public string Code { get; } = code;
    public string Title { get; } = title;
    public string? Detail { get; } = detail;
    public TimeSpan? RetryAfter { get; init; }
    public IReadOnlyDictionary<string, object?>? Extensions { get; init; }

    /// <summary>Its catalogue entry.</summary>
    public ApiError Error => new(Status, Code, Title, Detail, RetryAfter) { Extensions = Extensions ?? new Dictionary<string, object?>() };

    public static MailApiException AccountDisabled() => new(409, ErrorCodes.AccountDisabled, "The account is disabled.",
        "PATCH the account with disabled: false to use it again.");
    public static MailApiException AccountNotFound() => new(404, ErrorCodes.AccountNotFound, "The account was not found.");
    public static MailApiException MailboxNotFound() => new(404, ErrorCodes.MailboxNotFound, "The mailbox was not found.");
    public static MailApiException MessageNotFound() => new(404, ErrorCodes.MessageNotFound, "The message was not found.");
    public static MailApiException AttachmentNotFound() => new(404, "attachment_not_found", "The attachment was not found.");
    public static MailApiException Validation(string detail) => new(400, ErrorCodes.ValidationFailed, "The request is not valid.", detail);
    /// <summary>400 <c>validation_failed</c> with an <c>errors</c> extension of field → messages.</summary>
    public static MailApiException ValidationFailed(IDictionary<string, string[]> errors) =>
        new(400, ErrorCodes.ValidationFailed, "The request is not valid.", string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")))
        {
            Extensions = new Dictionary<string, object?> { ["errors"] = errors.ToDictionary(e => e.Key, e => (object?)e.Value) },
        };
    public static MailApiException InvalidCursor(string detail) => new(400, "invalid_cursor", "The cursor is not valid for this request.", detail);
    public static MailApiException MailboxProtected(string detail) => new(422, "mailbox_protected", "The mailbox cannot be changed this way.", detail);
    public static MailApiException InvalidState(string detail) => new(400, "invalid_state", "The state token is not valid for this mailbox.", detail);
    public static MailApiException Unprocessable(string code, string title, string? detail = null) => new(422, code, title, detail);
    public static MailApiException BadGateway(string code, string title, string? detail, TimeSpan retryAfter) => new(502, code, title, detail) { RetryAfter = retryAfter };

    public ProblemHttpResult ToProblem() => ApiProblems.From(Error);

    public static MailApiException PayloadTooLarge(long limit) =>
        new(413, "payload_too_large", "The request body is too large.", $"The limit is {limit} bytes (Messages:MaxUploadBytes).");
}

/// <summary>
/// Answers the exceptions of a route group that the catalogue knows as problems (with Retry-After). What it does not
/// know goes on to the host's exception handler (which logs it and answers 500).
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
            return ApiProblems.From(exception.Error, context.HttpContext.Response);
        }
    }
}

/// <summary>An exception that knows its own catalogue entry: a feature's failures (sending limits, …) map through
/// <see cref="ErrorCatalogue"/> without the shared folder depending on the feature.</summary>
public interface IApiFailure
{
    ApiError Error { get; }
}
