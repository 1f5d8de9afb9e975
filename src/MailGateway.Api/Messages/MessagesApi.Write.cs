using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Messages;

internal static partial class MessagesApi
{
    private static void MapWrites(RouteGroupBuilder write)
    {
        write.MapPatch("/messages/{messageId}", UpdateMessage)
            .WithName(nameof(UpdateMessage))
            .WithSummary("Set or clear flags and keywords; answers the summary afterwards")
            .WithDescription("`seen`, `flagged`, `answered`, `draft` set or clear the system flags; `addFlags`/`removeFlags` take keywords " +
                "such as `$Important` or `Work`. A message that vanished answers 404.")
            .ProducesProblem(StatusCodes.Status400BadRequest);

        write.MapPost("/messages/{messageId}/move", MoveMessage)
            .WithName(nameof(MoveMessage))
            .WithSummary("Move a message to another mailbox; answers its new id")
            .WithDescription("404 mailbox_not_found when the destination does not exist.")
            .ProducesProblem(StatusCodes.Status400BadRequest);

        write.MapPost("/messages/{messageId}/copy", CopyMessage)
            .WithName(nameof(CopyMessage))
            .WithSummary("Copy a message to another mailbox; answers the copy's id (201)")
            .ProducesProblem(StatusCodes.Status400BadRequest);

        write.MapDelete("/messages/{messageId}", DeleteMessage)
            .WithName(nameof(DeleteMessage))
            .WithSummary("Move a message to Trash, or expunge it with permanent=true")
            .WithDescription("Permanent deletion (or deletion inside Trash) flags \\Deleted and UID EXPUNGEs only this message; " +
                "other messages flagged \\Deleted by other clients stay.");

        write.MapPost("/mailboxes/{mailboxId}/messages", AppendMessage)
            .WithName(nameof(AppendMessage))
            .WithSummary("Append a message: raw message/rfc822 body or JSON compose")
            .WithDescription("Bodies larger than Messages:MaxUploadBytes (default 35 MB) answer 413. Answers 201 with the new id and a Location.")
            .Accepts<ComposeMessageRequest>("application/json", "message/rfc822")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        write.MapPost("/messages/batch", BatchMessages)
            .WithName(nameof(BatchMessages))
            .WithSummary("Apply one action (update, move, copy, delete) to up to 1,000 messages")
            .WithDescription("Ids are grouped by mailbox and UIDVALIDITY, one IMAP command per group. Each id gets " +
                "`{id, ok, newId?, error?}`; errors are codes such as message_not_found or stale_message_id.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
    }

    public static async Task<Ok<MessageSummaryDto>> UpdateMessage(string accountId, string messageId, UpdateMessageRequest request,
        HttpContext context, [FromServices] MessageService messages, CancellationToken cancellationToken) =>
        TypedResults.Ok(await messages.UpdateAsync(Caller.From(context.User), accountId, messageId, request, cancellationToken));

    public static async Task<Ok<MessageIdDto>> MoveMessage(string accountId, string messageId, MessageTargetRequest request,
        HttpContext context, [FromServices] MessageService messages, CancellationToken cancellationToken) =>
        TypedResults.Ok(await messages.MoveAsync(Caller.From(context.User), accountId, messageId, request.MailboxId, cancellationToken));

    public static async Task<Created<MessageIdDto>> CopyMessage(string accountId, string messageId, MessageTargetRequest request,
        HttpContext context, [FromServices] MessageService messages, CancellationToken cancellationToken)
    {
        var copy = await messages.CopyAsync(Caller.From(context.User), accountId, messageId, request.MailboxId, cancellationToken);
        return TypedResults.Created(copy.Id is null ? null : MessageLocation(accountId, copy.Id), copy);
    }

    public static async Task<NoContent> DeleteMessage(string accountId, string messageId, bool? permanent, HttpContext context,
        [FromServices] MessageService messages, CancellationToken cancellationToken)
    {
        await messages.DeleteAsync(Caller.From(context.User), accountId, messageId, permanent == true, cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<Created<MessageIdDto>> AppendMessage(string accountId, string mailboxId, HttpContext context,
        [FromServices] MessageService messages, [FromServices] IOptions<MessagesOptions> options, CancellationToken cancellationToken)
    {
        var caller = Caller.From(context.User);
        var limit = options.Value.MaxUploadBytes;
        UploadBody.CheckDeclaredLength(context, limit);
        string id;
        if (context.Request.HasJsonContentType())
        {
            var json = context.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
            ComposeMessageRequest? compose;
            try { compose = await JsonSerializer.DeserializeAsync<ComposeMessageRequest>(UploadBody.Limit(context.Request.Body, limit), json, cancellationToken); }
            catch (JsonException e) { throw MailApiException.Validation($"The JSON body could not be read: {e.Path}"); }
            id = await messages.AppendComposedAsync(caller, accountId, mailboxId,
                compose ?? throw MailApiException.Validation("A JSON compose body is required."), cancellationToken);
        }
        else if (IsRfc822(context.Request.ContentType))
        {
            await using var raw = await UploadBody.SpoolAsync(context.Request.Body, limit, cancellationToken);
            if (raw.Length == 0) throw MailApiException.Validation("The message body is empty.");
            id = await messages.AppendRawAsync(caller, accountId, mailboxId, raw, cancellationToken);
        }
        else
        {
            throw new MailApiException(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type",
                "Send message/rfc822 or application/json.");
        }
        return TypedResults.Created(MessageLocation(accountId, id), new MessageIdDto(id));
    }

    public static async Task<Ok<BatchResponse>> BatchMessages(string accountId, BatchRequest request, HttpContext context,
        [FromServices] MessageService messages, CancellationToken cancellationToken) =>
        TypedResults.Ok(await messages.BatchAsync(Caller.From(context.User), accountId, request, cancellationToken));

    private static string MessageLocation(string accountId, string messageId) =>
        $"/api/v1/accounts/{Uri.EscapeDataString(accountId)}/messages/{messageId}";

    private static bool IsRfc822(string? contentType) =>
        contentType is not null && Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)
        && media.MediaType.Equals("message/rfc822", StringComparison.OrdinalIgnoreCase);
}
