using MailGateway.Api.Hosting;
using Microsoft.AspNetCore.Diagnostics;

namespace MailGateway.Api.Security;

/// <summary>Answers an unusable <c>imap.oauth</c> block as 400 with its stable code.</summary>
internal sealed class ImapOAuthProblemHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not ImapOAuthRequestException oauth)
            return false;
        await ApiProblems.BadRequest(oauth.Code, "The OAuth settings of the account are not usable.", oauth.Message)
            .ExecuteAsync(httpContext).ConfigureAwait(false);
        return true;
    }
}
