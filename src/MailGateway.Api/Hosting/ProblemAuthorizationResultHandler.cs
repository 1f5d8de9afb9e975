using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Mvc;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Hosting;

/// <summary>Answers 401/403 as problem details (<c>unauthorized</c>, <c>insufficient_scope</c>, <c>mfa_required</c>,
/// <c>forbidden</c>), and counts and logs each with caller and IP — never the token.</summary>
internal sealed class ProblemAuthorizationResultHandler(
    IProblemDetailsService problems, GatewayMetrics metrics, ILogger<ProblemAuthorizationResultHandler> logger) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Succeeded)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var ip = context.Connection.RemoteIpAddress?.ToString();
        ProblemDetails problem;
        if (authorizeResult.Challenged)
        {
            var invalid = context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult?.Failure is not null;
            var reason = invalid ? "invalid_token" : "missing_token";
            metrics.AuthFailure(reason);
            HostingLog.Challenged(logger, ip, context.Request.Path);
            problem = Problem(StatusCodes.Status401Unauthorized, "unauthorized",
                "Authentication is required.", invalid ? "The bearer token is not valid." : "Send an 'Authorization: Bearer <token>' header.");
        }
        else
        {
            var failed = authorizeResult.AuthorizationFailure?.FailedRequirements.ToList() ?? [];
            var missing = failed.OfType<PermissionRequirement>().Select(r => r.Permission).ToList();
            var (code, title, detail) = failed.OfType<MfaRequirement>().Any() && missing.Count == 0
                ? ("mfa_required", "Multi-factor authentication is required.", "Sign in with multi-factor authentication (the token's 'amr' claim must include 'mfa').")
                : missing.Count > 0
                    ? ("insufficient_scope", "The token lacks a required permission.", $"Required permission: {string.Join(", ", missing)}.")
                    : ("forbidden", "The request is not allowed.", null);
            metrics.AuthFailure(code);
            var caller = context.User.Identity?.IsAuthenticated == true ? Caller.From(context.User).OwnerId : "anonymous";
            HostingLog.Forbidden(logger, code, caller, ip, context.Request.Path);
            problem = Problem(StatusCodes.Status403Forbidden, code, title, detail);
        }

        // The default handler challenges/forbids through the scheme (WWW-Authenticate header, status code).
        await _default.HandleAsync(next, context, policy, authorizeResult).ConfigureAwait(false);
        if (!context.Response.HasStarted)
            await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }).ConfigureAwait(false);
    }

    private static ProblemDetails Problem(int status, string code, string title, string? detail)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail, Type = ApiProblems.TypeFor(code) };
        problem.Extensions["code"] = code;
        return problem;
    }
}
