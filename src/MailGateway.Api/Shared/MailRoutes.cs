
namespace MailGateway.Api.Shared;

/// <summary>Route groups of the mail features: under an account, per-user rate limit, problems from
/// <see cref="MailApiException"/>, read or write scope set once.</summary>
internal static class MailRoutes
{
    public const string AccountPrefix = "/api/v1/accounts/{accountId}";

    public static (RouteGroupBuilder Read, RouteGroupBuilder Write) MapMailGroups(this IEndpointRouteBuilder app, string prefix, string tag)
    {
        var group = app.MapGroup(AccountPrefix + prefix)
            .WithTags(tag)
            .RequirePerUserRateLimit()
            .AddEndpointFilter<MailProblemFilter>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return (group.MapGroup("").RequireAuthorization(Permissions.MailRead),
                group.MapGroup("").RequireAuthorization(Permissions.MailReadWrite));
    }
}
