using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Changes;

internal static class ChangesApi
{
    /// <summary>The change service REST and GraphQL share.</summary>
    public static IHostApplicationBuilder AddChanges(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddScoped<MailAccess>();
        builder.Services.AddScoped<ChangeService>();
        return builder;
    }

    public static IEndpointRouteBuilder MapChangesApi(this IEndpointRouteBuilder app)
    {
        var (read, _) = app.MapMailGroups("/mailboxes/{mailboxId}/changes", "Changes");

        read.MapGet("", GetChanges)
            .WithName(nameof(GetChanges))
            .WithSummary("What changed in a mailbox since a state token")
            .WithDescription("`since` is the `state` of a message list or an earlier changes answer. Answers created, updated (flags) " +
                "and destroyed message ids, the new state, and hasMore (ask again at once with the new state). `maxChanges` 1-5000 " +
                "(default 500). Malformed tokens or tokens of another mailbox: 400 invalid_state. A state from before the mailbox " +
                "was recreated (UIDVALIDITY changed) or too old: 410 cannot_calculate_changes; list again from scratch.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status410Gone);
        return app;
    }

    public static async Task<Ok<ChangesDto>> GetChanges(string accountId, string mailboxId, string? since, int? maxChanges,
        HttpContext context, [FromServices] ChangeService changes, CancellationToken cancellationToken) =>
        TypedResults.Ok(await changes.GetChangesAsync(Caller.From(context.User), accountId, mailboxId, since, maxChanges, cancellationToken));
}
