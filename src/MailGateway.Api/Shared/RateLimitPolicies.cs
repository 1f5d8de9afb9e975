namespace MailGateway.Api.Shared;

/// <summary>Names of the rate-limit policies that Hosting registers (<c>RateLimitExtensions</c>) and features opt into.</summary>
internal static class RateLimitPolicies
{
    /// <summary>Per user (owner id, else client IP): <c>RateLimiting:PermitsPerMinute</c>.</summary>
    public const string PerUser = "per-user";

    /// <summary>The per-user budget: <c>RateLimiting:PermitsPerMinute</c>, default 6000; 0 turns the limit off.</summary>
    public static int PermitsPerMinute(IConfiguration configuration) =>
        configuration.GetValue("RateLimiting:PermitsPerMinute", 6000);

    /// <summary>Applies the per-user limit to a route group or endpoint.</summary>
    public static TBuilder RequirePerUserRateLimit<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireRateLimiting(PerUser);
}
