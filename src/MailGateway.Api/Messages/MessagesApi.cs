using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Messages;

internal static partial class MessagesApi
{
    /// <summary>Registers the message service REST and GraphQL share, and the account access (<see cref="MailAccess"/>) every mail feature uses.</summary>
    public static IHostApplicationBuilder AddMessages(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MessagesOptions>()
            .BindConfiguration(MessagesOptions.Section)
            .Validate(o => o.MaxUploadBytes > 0, "Messages:MaxUploadBytes must be positive.")
            .ValidateOnStart();
        builder.Services.TryAddScoped<MailAccess>();
        builder.Services.AddScoped<MessageService>();
        builder.Services.AddSingleton<CleanedHtmlMemo>();
        return builder;
    }

    public static IEndpointRouteBuilder MapMessagesApi(this IEndpointRouteBuilder app)
    {
        var (read, write) = app.MapMailGroups("", "Messages");

        read.MapGet("/mailboxes/{mailboxId}/messages", ListMessages)
            .WithName(nameof(ListMessages))
            .WithSummary("List messages, newest first")
            .WithDescription("Filters combine with AND and are searched on the server (MailKit search model). `limit` 1-200 (default 50); " +
                "pass `nextCursor` as `cursor` with the same filters for the next page (400 invalid_cursor otherwise; 410 cursor_expired " +
                "when the mailbox was recreated). `header=Name:Value`, `uid=lo:hi`, dates ISO 8601. Text filters: at most 1000 characters, " +
                "no control characters. Answers an ETag; If-None-Match gives 304 while the mailbox state is unchanged.")
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status410Gone);

        read.MapGet("/messages/{messageId}", GetMessage)
            .WithName(nameof(GetMessage))
            .WithSummary("Get one message: summary, headers, text, HTML and attachment list")
            .WithDescription("HTML is sanitized (scripts, event handlers, remote forms, fixed/absolute positioning removed) unless `rawHtml=true`; " +
                "remote images and CSS URLs are removed (`remoteContentBlocked: true`) unless `allowRemoteContent=true`; `cid:` images point at the attachment route. " +
                "Undecodable ids answer 404 message_not_found; ids from before a mailbox was recreated 404 stale_message_id.");

        read.MapGet("/messages/{messageId}/raw", GetRawMessage)
            .WithName(nameof(GetRawMessage))
            .WithSummary("Download the raw RFC 5322 message (message/rfc822), streamed")
            .Produces(StatusCodes.Status200OK, contentType: "message/rfc822");

        read.MapGet("/messages/{messageId}/attachments/{attachmentId}", GetAttachment)
            .WithName(nameof(GetAttachment))
            .WithSummary("Download one attachment, decoded and streamed")
            .WithDescription("Content-Type is the part's media type; Content-Disposition is attachment with an RFC 6266 filename*.")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream");

        MapWrites(write);
        return app;
    }

    public static async Task<Results<Ok<MessageListDto>, StatusCodeHttpResult>> ListMessages(string accountId, string mailboxId,
        [AsParameters] MessageListParameters query, HttpContext context, [FromServices] MessageService messages, CancellationToken cancellationToken)
    {
        var caller = Caller.From(context.User);
        var filter = query.ToQuery();
        // One lease: the page itself proves the state (from the read cache it costs one STATUS), so a conditional
        // request needs no separate state lookup.
        var result = await messages.ListAsync(caller, accountId, mailboxId, filter, query.Cursor, cancellationToken);
        if (ConditionalResults.NotModified(context, ListETags.ForMessages(context.Request, mailboxId, result.State)))
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        return TypedResults.Ok(result.Page);
    }

    public static async Task<Ok<MessageDetailDto>> GetMessage(string accountId, string messageId, bool? rawHtml, bool? allowRemoteContent,
        HttpContext context, [FromServices] MessageService messages, CancellationToken cancellationToken) =>
        TypedResults.Ok(await messages.GetAsync(Caller.From(context.User), accountId, messageId, rawHtml == true, allowRemoteContent == true,
            cancellationToken));

    public static async Task<IResult> GetRawMessage(string accountId, string messageId, HttpContext context,
        [FromServices] MessageService messages, CancellationToken cancellationToken)
    {
        var download = await messages.OpenRawAsync(Caller.From(context.User), accountId, messageId, cancellationToken);
        context.Response.RegisterForDisposeAsync(download);
        return new DownloadResult(download, "message/rfc822", "message.eml");
    }

    public static async Task<IResult> GetAttachment(string accountId, string messageId, string attachmentId, HttpContext context,
        [FromServices] MessageService messages, CancellationToken cancellationToken)
    {
        var download = await messages.OpenAttachmentAsync(Caller.From(context.User), accountId, messageId, attachmentId, cancellationToken);
        context.Response.RegisterForDisposeAsync(download);
        return new DownloadResult(download, null, "attachment");
    }
}
