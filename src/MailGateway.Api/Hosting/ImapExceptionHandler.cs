using MailGateway.Imap;
using Microsoft.AspNetCore.Diagnostics;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Hosting;

/// <summary>Answers every exception that escapes an endpoint as problem details from <see cref="ErrorCatalogue"/>
/// (IMAP-layer errors 4xx/502/503 with a stable code, unreadable bodies 400/413, storage 503); anything the catalogue
/// does not know is a logged 500 without details (which should never happen).</summary>
internal sealed class ImapExceptionHandler(IProblemDetailsService problems, ILogger<ImapExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
            return true; // the client went away; nobody reads an answer

        var error = ErrorCatalogue.Describe(exception);
        if (error is null)
        {
            HostingLog.Unhandled(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
            error = ErrorCatalogue.Internal;
        }
        else if (StorageFailures.IsStorageFailure(exception))
        {
            FaultsLog.StorageFailed(logger, httpContext.Request.Method, httpContext.Request.Path, exception.GetType().Name);
        }
        else if (exception is ImapGatewayException)
        {
            HostingLog.ImapFailure(logger, httpContext.Request.Method, httpContext.Request.Path, error.Code, exception.Message);
        }

        httpContext.Response.StatusCode = error.Status;
        ApiProblems.SetRetryAfter(error, httpContext.Response);
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = ApiProblems.Details(error), Exception = exception })
            .ConfigureAwait(false);
    }
}
