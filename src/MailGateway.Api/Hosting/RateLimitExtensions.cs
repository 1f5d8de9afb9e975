using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Hosting;

/// <summary>Per-user rate limiting (partition = owner id, else client IP): <c>RateLimiting:PermitsPerMinute</c>
/// requests per minute on route groups that opt in (0 turns it off), cluster-wide with Redis; optionally every request per bearer token:
/// <c>RateLimiting:PermitsPerMinutePerToken</c> (default 0 = off; per instance). Answers 429 problem <c>rate_limited</c> with Retry-After.</summary>
internal static class RateLimitExtensions
{
    public static IHostApplicationBuilder AddGatewayRateLimiting(this IHostApplicationBuilder builder)
    {
        var permits = RateLimitPolicies.PermitsPerMinute(builder.Configuration);
        var perToken = builder.Configuration.GetValue("RateLimiting:PermitsPerMinutePerToken", 0);
        builder.Services.AddRateLimiter(o =>
        {
            o.AddPolicy(RateLimitPolicies.PerUser, context =>
            {
                if (permits <= 0)
                    return RateLimitPartition.GetNoLimiter("off");
                var key = context.User.Identity?.IsAuthenticated == true
                    ? Caller.From(context.User).OwnerId
                    : "ip:" + context.Connection.RemoteIpAddress;
                // Counted for the whole cluster when Redis is configured (Cluster/RateWindows.cs).
                var windows = context.RequestServices.GetRequiredService<Cluster.IRateWindows>();
                return RateLimitPartition.Get(key, k => new Cluster.WindowRateLimiter(windows, new(RateLimitPolicies.PerUser, k, permits, TimeSpan.FromMinutes(1))));
            });
            if (perToken > 0)
                o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => TokenPartition(context, perToken));
            o.OnRejected = OnRejectedAsync;
        });
        return builder;
    }

    /// <summary>Every request with a bearer token (header or <c>access_token</c> query) counts against that token; the key is a hash, never the token.</summary>
    private static RateLimitPartition<string> TokenPartition(HttpContext context, int permits)
    {
        string? token = context.Request.Headers.Authorization;
        if (string.IsNullOrEmpty(token) && AuthExtensions.AcceptsQueryToken(context))
            token = context.Request.Query["access_token"];
        if (string.IsNullOrEmpty(token))
            return RateLimitPartition.GetNoLimiter("no-token");
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)), 0, 16);
        return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });
    }

    private static async ValueTask OnRejectedAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var services = http.RequestServices;
        services.GetRequiredService<GatewayMetrics>().RateLimited();
        var partition = http.User.Identity?.IsAuthenticated == true ? Caller.From(http.User).OwnerId : "anonymous";
        RateLimitLog.RateLimited(services.GetRequiredService<ILoggerFactory>().CreateLogger("MailGateway.Api.RateLimiting"),
            partition, http.Connection.RemoteIpAddress?.ToString(), http.Request.Path);

        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var value) ? value : TimeSpan.FromSeconds(60);
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status429TooManyRequests,
            Title = "Too many requests.",
            Detail = "The per-user request limit was reached; retry after the time in Retry-After.",
            Type = ApiProblems.TypeFor("rate_limited"),
        };
        problem.Extensions["code"] = "rate_limited";
        await services.GetRequiredService<IProblemDetailsService>()
            .TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem }).ConfigureAwait(false);
    }
}
