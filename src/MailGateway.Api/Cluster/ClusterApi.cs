using MailGateway.Api.Shared;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MailGateway.Api.Cluster;

/// <summary><c>GET /api/v1/admin/instances</c> (role <c>MailGateway.Admin</c>): the live gateway instances.</summary>
internal static class ClusterApi
{
    public static RouteGroupBuilder MapClusterApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/admin").WithTags("Admin").RequireAuthorization(Permissions.AdminPolicy);
        group.MapGet("/instances", ListInstances).WithName(nameof(ListInstances))
            .WithSummary("Live gateway instances: version, start time, accounts watched, IMAP connections open.");
        return group;
    }

    public static async Task<Ok<InstanceList>> ListInstances(IGatewayInstances instances, InstanceHeartbeat self, CancellationToken cancellationToken)
    {
        var live = await instances.ListAsync(cancellationToken).ConfigureAwait(false);
        var current = self.Current();
        // This instance answers with its own numbers as of now, the others as of their last heartbeat.
        var items = live.Where(i => i.Id != current.Id).Append(current).OrderBy(i => i.StartedAt).ToList();
        return TypedResults.Ok(new InstanceList(items, current.Id));
    }
}

/// <summary>The answer of <c>GET /api/v1/admin/instances</c>; <c>self</c> is the instance that answered.</summary>
public sealed record InstanceList(IReadOnlyList<InstanceInfo> Items, string Self);
