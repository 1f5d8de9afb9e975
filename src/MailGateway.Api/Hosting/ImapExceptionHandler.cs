using System.Globalization;
using MailGateway.Imap;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Hosting;

/// <summary>Maps exceptions to problem details: IMAP-layer errors to 4xx/502/503 with a stable code, unreadable
/// request bodies to 400/413, anything else to a 500 without details (which should never happen).</summary>
internal sealed class ImapExceptionHandler(IProblemDetailsService problems, ILogger<ImapExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
            return true; // the client went away; nobody reads an answer

        var mapped = Map(exception);
        if (mapped is null)
        {
            HostingLog.Unhandled(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
            mapped = new MappedProblem(StatusCodes.Status500InternalServerError, "internal_error", "An unexpected error occurred.", null, null);
        }
        else if (StorageFailures.IsStorageFailure(exception))
        {
            FaultsLog.StorageFailed(logger, httpContext.Request.Method, httpContext.Request.Path, exception.GetType().Name);
        }
        else if (exception is ImapGatewayException)
        {
            HostingLog.ImapFailure(logger, httpContext.Request.Method, httpContext.Request.Path, mapped.Code, exception.Message);
        }

        httpContext.Response.StatusCode = mapped.Status;
        if (mapped.RetryAfter is { } retry)
            httpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        var problem = new ProblemDetails { Status = mapped.Status, Title = mapped.Title, Detail = mapped.Detail, Type = ApiProblems.TypeFor(mapped.Code) };
        problem.Extensions["code"] = mapped.Code;
        // A non-idempotent write whose connection died: tell the caller whether repeating it could duplicate it.
        if (exception is ImapUnavailableException { MayHaveHappened: { } mayHaveHappened })
            problem.Extensions["operationMayHaveHappened"] = mayHaveHappened;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception })
            .ConfigureAwait(false);
    }

    /// <summary>Status, code, title, safe detail and Retry-After for a known exception; null for an unexpected one.</summary>
    internal static MappedProblem? Map(Exception exception) => exception switch
    {
        ImapAuthenticationException e => new(StatusCodes.Status502BadGateway, "imap_auth_failed",
            "The IMAP server rejected the account's credentials.", e.Message, TimeSpan.FromSeconds(60)),
        ImapUnavailableException e => new(IsServerSide(e) && e.MayHaveHappened is null ? StatusCodes.Status502BadGateway : StatusCodes.Status503ServiceUnavailable,
            "imap_unavailable", "The IMAP server is not available right now.", e.Message, e.RetryAfter),
        ImapPolicyException e => new(StatusCodes.Status422UnprocessableEntity, e.Code, "The IMAP account configuration is not allowed.", e.Message, null),
        MailboxNotFoundException e => new(StatusCodes.Status404NotFound, "mailbox_not_found", "The mailbox was not found.", e.Message, null),
        MailboxAlreadyExistsException e => new(StatusCodes.Status409Conflict, "mailbox_exists", "The mailbox already exists.", e.Message, null),
        MessageNotFoundException e => new(StatusCodes.Status404NotFound, "message_not_found", "The message was not found.", e.Message, null),
        StaleMessageException e => new(StatusCodes.Status404NotFound, "stale_message_id", "The message id refers to an older version of the mailbox.", e.Message, null),
        CannotCalculateChangesException e => new(StatusCodes.Status410Gone, "cannot_calculate_changes", "Changes since this state cannot be calculated; resynchronise.", e.Message, null),
        ImapOperationException e => new(StatusCodes.Status422UnprocessableEntity, "imap_operation_failed", "The IMAP server refused the operation.", e.Message, null),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => new(StatusCodes.Status413PayloadTooLarge,
            "payload_too_large", "The request body is too large.", null, null),
        BadHttpRequestException e => new(e.StatusCode is >= 400 and < 500 ? e.StatusCode : StatusCodes.Status400BadRequest,
            "invalid_request", "The request could not be read.", e.Message, null),
        _ when StorageFailures.IsStorageFailure(exception) => new(StatusCodes.Status503ServiceUnavailable, StorageFailures.Code,
            StorageFailures.Title, null, StorageFailures.RetryAfter),
        _ => null,
    };

    /// <summary>An inner exception means the server (or the network to it) failed; none means the pool gave up (lease timeout, backoff).</summary>
    private static bool IsServerSide(ImapUnavailableException e) => e.InnerException is not null and not TimeoutException and not OperationCanceledException;
}

internal sealed record MappedProblem(int Status, string Code, string Title, string? Detail, TimeSpan? RetryAfter);
