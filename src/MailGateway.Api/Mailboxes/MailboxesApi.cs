using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Mailboxes;

internal static class MailboxesApi
{
    /// <summary>The mailbox service REST and GraphQL share.</summary>
    public static IHostApplicationBuilder AddMailboxes(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddScoped<MailAccess>();
        builder.Services.AddScoped<MailboxService>();
        return builder;
    }

    public static IEndpointRouteBuilder MapMailboxesApi(this IEndpointRouteBuilder app)
    {
        var (read, write) = app.MapMailGroups("/mailboxes", "Mailboxes");

        read.MapGet("", ListMailboxes)
            .WithName(nameof(ListMailboxes))
            .WithSummary("List mailboxes with counters and special-use roles")
            .WithDescription("Answers an ETag; If-None-Match gives 304 while nothing in the list changed.")
            .Produces(StatusCodes.Status304NotModified);

        read.MapGet("/{mailboxId}", GetMailbox)
            .WithName(nameof(GetMailbox))
            .WithSummary("Get one mailbox with its counters");

        write.MapPost("", CreateMailbox)
            .WithName(nameof(CreateMailbox))
            .WithSummary("Create a mailbox (missing parents too)")
            .WithDescription("Body: `{path}` or `{parentId?, name}`. Names with control characters, `*`, `%`, literal markers such as " +
                "`{5}`, empty levels or over 1000 characters answer 400 validation_failed; an existing path 409 mailbox_exists.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict);

        write.MapPatch("/{mailboxId}", UpdateMailbox)
            .WithName(nameof(UpdateMailbox))
            .WithSummary("Rename and/or (un)subscribe a mailbox; answers it afterwards")
            .WithDescription("`name` renames within the same parent, `path` moves it anywhere; children follow. A rename changes the id.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict);

        write.MapDelete("/{mailboxId}", DeleteMailbox)
            .WithName(nameof(DeleteMailbox))
            .WithSummary("Delete a mailbox and the messages in it");
        return app;
    }

    public static async Task<Results<Ok<IReadOnlyList<MailboxDto>>, StatusCodeHttpResult>> ListMailboxes(string accountId, HttpContext context,
        [FromServices] MailboxService mailboxes, CancellationToken cancellationToken)
    {
        var list = await mailboxes.ListAsync(Caller.From(context.User), accountId, cancellationToken);
        var etag = ListETags.ForContent(string.Join('\n', list));
        return ConditionalResults.NotModified(context, etag)
            ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
            : TypedResults.Ok(list);
    }

    public static async Task<Ok<MailboxDto>> GetMailbox(string accountId, string mailboxId, HttpContext context,
        [FromServices] MailboxService mailboxes, CancellationToken cancellationToken) =>
        TypedResults.Ok(await mailboxes.GetAsync(Caller.From(context.User), accountId, mailboxId, cancellationToken));

    public static async Task<Created<MailboxDto>> CreateMailbox(string accountId, CreateMailboxRequest request, HttpContext context,
        [FromServices] MailboxService mailboxes, CancellationToken cancellationToken)
    {
        var created = await mailboxes.CreateAsync(Caller.From(context.User), accountId, request, cancellationToken);
        return TypedResults.Created($"/api/v1/accounts/{Uri.EscapeDataString(accountId)}/mailboxes/{created.Id}", created);
    }

    public static async Task<Ok<MailboxDto>> UpdateMailbox(string accountId, string mailboxId, UpdateMailboxRequest request,
        HttpContext context, [FromServices] MailboxService mailboxes, CancellationToken cancellationToken) =>
        TypedResults.Ok(await mailboxes.UpdateAsync(Caller.From(context.User), accountId, mailboxId, request, cancellationToken));

    public static async Task<NoContent> DeleteMailbox(string accountId, string mailboxId, HttpContext context,
        [FromServices] MailboxService mailboxes, CancellationToken cancellationToken)
    {
        await mailboxes.DeleteAsync(Caller.From(context.User), accountId, mailboxId, cancellationToken);
        return TypedResults.NoContent();
    }
}
