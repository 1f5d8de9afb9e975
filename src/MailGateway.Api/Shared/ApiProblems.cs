using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace MailGateway.Api.Shared;

/// <summary>RFC 9457 problem details with a stable <c>code</c> extension.</summary>
public static class ApiProblems
{
    public static ProblemHttpResult Create(int status, string code, string title, string? detail = null)
    {
        var problem = new ProblemDetails
        {
            Status = status,
            Title = title,
            Detail = detail,
            Type = TypeFor(code),
        };
        problem.Extensions["code"] = code;
        return TypedResults.Problem(problem);
    }

    /// <summary>The problem <c>type</c> URI for a code.</summary>
    public static string TypeFor(string code) => $"https://mailgateway.dev/problems/{code.Replace('_', '-')}";

    public static ProblemHttpResult Unprocessable(string code, string title, string? detail = null) => Create(StatusCodes.Status422UnprocessableEntity, code, title, detail);
    public static ProblemHttpResult NotFound(string code, string title, string? detail = null) => Create(StatusCodes.Status404NotFound, code, title, detail);
    public static ProblemHttpResult BadRequest(string code, string title, string? detail = null) => Create(StatusCodes.Status400BadRequest, code, title, detail);
    /// <summary>400 <c>validation_failed</c> with an <c>errors</c> map of field → messages.</summary>
    public static ProblemHttpResult ValidationFailed(IDictionary<string, string[]> errors)
    {
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request is not valid.",
            Detail = string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")),
            Type = TypeFor("validation_failed"),
        };
        problem.Extensions["code"] = "validation_failed";
        problem.Extensions["errors"] = errors;
        return TypedResults.Problem(problem);
    }

    public static ProblemHttpResult Validation(string detail) => Create(StatusCodes.Status400BadRequest, "validation_failed", "The request is not valid.", detail);
    public static ProblemHttpResult AccountNotFound() => NotFound("account_not_found", "The account was not found.");
    public static ProblemHttpResult MailboxNotFound() => NotFound("mailbox_not_found", "The mailbox was not found.");
    public static ProblemHttpResult MessageNotFound() => NotFound("message_not_found", "The message was not found.");
    public static ProblemHttpResult StaleMessageId() => NotFound("stale_message_id", "The message id refers to an older version of the mailbox.");
}
