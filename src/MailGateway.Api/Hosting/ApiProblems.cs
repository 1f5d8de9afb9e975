using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace MailGateway.Api.Hosting;

/// <summary>RFC 9457 problem details with a stable <c>code</c> extension (DESIGN §3).</summary>
public static class ApiProblems
{
    public static ProblemHttpResult Create(int status, string code, string title, string? detail = null)
    {
        var problem = new ProblemDetails
        {
            Status = status,
            Title = title,
            Detail = detail,
            Type = $"https://mailgateway.dev/problems/{code.Replace('_', '-')}",
        };
        problem.Extensions["code"] = code;
        return TypedResults.Problem(problem);
    }

    public static ProblemHttpResult NotFound(string code, string title, string? detail = null) => Create(StatusCodes.Status404NotFound, code, title, detail);
    public static ProblemHttpResult BadRequest(string code, string title, string? detail = null) => Create(StatusCodes.Status400BadRequest, code, title, detail);
    public static ProblemHttpResult Validation(string detail) => Create(StatusCodes.Status400BadRequest, "validation_failed", "The request is not valid.", detail);
    public static ProblemHttpResult AccountNotFound() => NotFound("account_not_found", "The account was not found.");
    public static ProblemHttpResult MailboxNotFound() => NotFound("mailbox_not_found", "The mailbox was not found.");
    public static ProblemHttpResult MessageNotFound() => NotFound("message_not_found", "The message was not found.");
    public static ProblemHttpResult StaleMessageId() => NotFound("stale_message_id", "The message id refers to an older version of the mailbox.");
}
