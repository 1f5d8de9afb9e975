using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Identity.Client;
using Microsoft.Identity.Web;

namespace MailGateway.Tests.Shared;

/// <summary>Stands in for Microsoft.Identity.Web's token acquisition (no Entra ID here): records every request and
/// allocates a long-running session key the way Identity.Web does for <c>LongRunningWebApiSessionKeyAuto</c>.</summary>
internal sealed class FakeTokenAcquisition(Func<string> issue, IHttpContextAccessor? httpContext = null) : ITokenAcquisition
{
    public sealed record Call(string[] Scopes, string? Scheme, ClaimsPrincipal? User, string? SessionKeyIn, string? SessionKeyOut, bool ForceRefresh, bool HadHttpContext);

    public ConcurrentQueue<Call> Calls { get; } = new();
    public Exception? Fail { get; set; }

    public Task<string> GetAccessTokenForUserAsync(IEnumerable<string> scopes, string? authenticationScheme, string? tenantId = null,
        string? userFlow = null, ClaimsPrincipal? user = null, TokenAcquisitionOptions? tokenAcquisitionOptions = null)
    {
        var keyIn = tokenAcquisitionOptions?.LongRunningWebApiSessionKey;
        if (tokenAcquisitionOptions is not null && keyIn == TokenAcquisitionOptions.LongRunningWebApiSessionKeyAuto)
            tokenAcquisitionOptions.LongRunningWebApiSessionKey = $"obo-session-{Guid.NewGuid():N}";
        Calls.Enqueue(new Call([.. scopes], authenticationScheme, user, keyIn, tokenAcquisitionOptions?.LongRunningWebApiSessionKey,
            tokenAcquisitionOptions?.ForceRefresh ?? false, httpContext?.HttpContext is not null));
        return Fail is null ? Task.FromResult(issue()) : Task.FromException<string>(Fail);
    }

    public Task<string> GetAccessTokenForUserAsync(IEnumerable<string> scopes, string? tenantId = null, string? userFlow = null,
        ClaimsPrincipal? user = null, TokenAcquisitionOptions? tokenAcquisitionOptions = null) =>
        GetAccessTokenForUserAsync(scopes, null, tenantId, userFlow, user, tokenAcquisitionOptions);

    public Task<AuthenticationResult> GetAuthenticationResultForUserAsync(IEnumerable<string> scopes, string? authenticationScheme, string? tenantId = null,
        string? userFlow = null, ClaimsPrincipal? user = null, TokenAcquisitionOptions? tokenAcquisitionOptions = null) =>
        throw new NotSupportedException("The gateway asks for access tokens only.");

    public Task<AuthenticationResult> GetAuthenticationResultForUserAsync(IEnumerable<string> scopes, string? tenantId = null, string? userFlow = null,
        ClaimsPrincipal? user = null, TokenAcquisitionOptions? tokenAcquisitionOptions = null) =>
        throw new NotSupportedException("The gateway asks for access tokens only.");

    public Task<string> GetAccessTokenForAppAsync(string scope, string? tenant = null, TokenAcquisitionOptions? tokenAcquisitionOptions = null) =>
        throw new NotSupportedException("The gateway never uses app tokens for IMAP.");

    public Task<string> GetAccessTokenForAppAsync(string scope, string? authenticationScheme, string? tenant = null, TokenAcquisitionOptions? tokenAcquisitionOptions = null) =>
        throw new NotSupportedException("The gateway never uses app tokens for IMAP.");

    public Task<AuthenticationResult> GetAuthenticationResultForAppAsync(string scope, string? tenant = null, TokenAcquisitionOptions? tokenAcquisitionOptions = null) =>
        throw new NotSupportedException("The gateway never uses app tokens for IMAP.");

    public Task<AuthenticationResult> GetAuthenticationResultForAppAsync(string scope, string? authenticationScheme, string? tenant = null, TokenAcquisitionOptions? tokenAcquisitionOptions = null) =>
        throw new NotSupportedException("The gateway never uses app tokens for IMAP.");

    public void ReplyForbiddenWithWwwAuthenticateHeader(IEnumerable<string> scopes, MsalUiRequiredException msalServiceException, HttpResponse? httpResponse = null) =>
        throw new NotSupportedException();

    public void ReplyForbiddenWithWwwAuthenticateHeader(IEnumerable<string> scopes, MsalUiRequiredException msalServiceException, string? authenticationScheme, HttpResponse? httpResponse = null) =>
        throw new NotSupportedException();

    public string GetEffectiveAuthenticationScheme(string? authenticationScheme) => authenticationScheme ?? "Bearer";

    public Task ReplyForbiddenWithWwwAuthenticateHeaderAsync(IEnumerable<string> scopes, MsalUiRequiredException msalServiceException, HttpResponse? httpResponse = null) =>
        throw new NotSupportedException();
}
