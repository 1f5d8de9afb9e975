using Microsoft.AspNetCore.Http.Features;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Hosting;

/// <summary>Every error body is RFC 9457 problem details with a stable <c>code</c>, including bare 404/405/415 status codes.</summary>
internal static class ProblemDetailsExtensions
{
    public static IHostApplicationBuilder AddGatewayProblemDetails(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            if (!problem.Extensions.ContainsKey("code"))
            {
                var code = CodeFor(problem.Status ?? context.HttpContext.Response.StatusCode);
                problem.Extensions["code"] = code;
                if (problem.Type is null || problem.Type.StartsWith("https://tools.ietf.org/", StringComparison.Ordinal))
                    problem.Type = ApiProblems.TypeFor(code);
            }
            var traceId = context.HttpContext.Features.Get<IHttpActivityFeature>()?.Activity?.Id ?? context.HttpContext.TraceIdentifier;
            problem.Extensions.TryAdd("traceId", traceId);
        });
        builder.Services.AddExceptionHandler<ImapExceptionHandler>();
        // Minimal APIs then raise BadHttpRequestException for unreadable bodies, which becomes a problem with a code.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return builder;
    }

    /// <summary>The code of a problem that has none of its own, from its status.</summary>
    public static string CodeFor(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "bad_request",
        StatusCodes.Status401Unauthorized => "unauthorized",
        StatusCodes.Status403Forbidden => "forbidden",
        StatusCodes.Status404NotFound => "not_found",
        StatusCodes.Status405MethodNotAllowed => "method_not_allowed",
        StatusCodes.Status406NotAcceptable => "not_acceptable",
        StatusCodes.Status409Conflict => "conflict",
        StatusCodes.Status413PayloadTooLarge => "payload_too_large",
        StatusCodes.Status415UnsupportedMediaType => "unsupported_media_type",
        StatusCodes.Status422UnprocessableEntity => "validation_failed",
        StatusCodes.Status429TooManyRequests => "rate_limited",
        >= 500 => "internal_error",
        _ => "error",
    };
}
