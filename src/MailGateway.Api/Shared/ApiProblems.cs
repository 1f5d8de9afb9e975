using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace MailGateway.Api.Shared;

/// <summary>RFC 9457 problem details with a stable <c>code</c> extension, made from <see cref="ErrorCatalogue"/> entries.</summary>
public static class ApiProblems
{
    /// <summary>The problem of an <see cref="ApiError"/>; with a response, its Retry-After header too.</summary>
    public static ProblemHttpResult From(ApiError error, HttpResponse? response = null)
    {
        if (response is not null) SetRetryAfter(error, response);
        return TypedResults.Problem(Details(error));
    }

    public static ProblemDetails Details(ApiError error)
    {
        var problem = new ProblemDetails { Status = error.Status, Title = error.Title, Detail = error.Detail, Type = TypeFor(error.Code) };
        problem.Extensions["code"] = error.Code;
        foreach (var (key, value) in error.Extensions) problem.Extensions[key] = value;
        return problem;
    }

    public static void SetRetryAfter(ApiError error, HttpResponse response)
    {
        if (error.RetryAfterSeconds is { } seconds)
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
    }

    public static ProblemHttpResult Create(int status, string code, string title, string? detail = null) => From(new ApiError(status, code, title, detail));

    /// <summary>The problem <c>type</c> URI for a code.</summary>
    public static string TypeFor(string code) => $"https://mailgateway.dev/problems/{code.Replace('_', '-')}";

    public static ProblemHttpResult Unprocessable(string code, string title, string? detail = null) => Create(StatusCodes.Status422UnprocessableEntity, code, title, detail);
    public static ProblemHttpResult NotFound(string code, string title, string? detail = null) => Create(StatusCodes.Status404NotFound, code, title, detail);
    public static ProblemHttpResult BadRequest(string code, string title, string? detail = null) => Create(StatusCodes.Status400BadRequest, code, title, detail);
    /// <summary>400 <c>validation_failed</c> with an <c>errors</c> map of field → messages.</summary>
    public static ProblemHttpResult ValidationFailed(IDictionary<string, string[]> errors) => MailApiException.ValidationFailed(errors).ToProblem();
    public static ProblemHttpResult Validation(string detail) => MailApiException.Validation(detail).ToProblem();
    public static ProblemHttpResult AccountNotFound() => MailApiException.AccountNotFound().ToProblem();
    public static ProblemHttpResult MailboxNotFound() => MailApiException.MailboxNotFound().ToProblem();
    public static ProblemHttpResult MessageNotFound() => MailApiException.MessageNotFound().ToProblem();
    public static ProblemHttpResult StaleMessageId() => NotFound(ErrorCodes.StaleMessageId, "The message id refers to an older version of the mailbox.");
}
