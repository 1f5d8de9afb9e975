using GraphQL.Types;
using MailGateway.Api.Messages;

namespace MailGateway.Api.GraphQL.GraphTypes;

public sealed class AddressInputType : InputObjectGraphType<AddressDto>
{
    public AddressInputType()
    {
        Name = "AddressInput";
        Field<StringGraphType>("name");
        Field<NonNullGraphType<StringGraphType>>("address");
    }

    public override object ParseDictionary(IDictionary<string, object?> value) =>
        new AddressDto(value.Get<string>("name"), value.Get<string>("address") ?? "");
}

public sealed class ComposeAttachmentInputType : InputObjectGraphType<ComposeAttachmentDto>
{
    public ComposeAttachmentInputType()
    {
        Name = "ComposeAttachmentInput";
        Field<NonNullGraphType<StringGraphType>>("filename");
        Field<StringGraphType>("contentType");
        Field<NonNullGraphType<StringGraphType>>("contentBase64");
    }

    public override object ParseDictionary(IDictionary<string, object?> value) => new ComposeAttachmentDto(
        value.Get<string>("filename"), value.Get<string>("contentType"), value.Get<string>("contentBase64"));
}

/// <summary>The REST JSON compose body of an append.</summary>
public sealed class ComposeMessageInputType : InputObjectGraphType<ComposeMessageRequest>
{
    public ComposeMessageInputType()
    {
        Name = "ComposeMessageInput";
        this.AddComposeFields();
        Field<StringGraphType>("inReplyTo");
        Field<ListGraphType<NonNullGraphType<ComposeAttachmentInputType>>>("attachments");
    }

    public override object ParseDictionary(IDictionary<string, object?> value) => new ComposeMessageRequest(
        value.Get<AddressDto>("from"), Addresses(value, "to"), Addresses(value, "cc"), Addresses(value, "bcc"),
        value.Get<string>("subject"), value.Get<string>("text"), value.Get<string>("html"), value.Get<string>("inReplyTo"),
        value.Get<IEnumerable<object?>>("attachments")?.OfType<ComposeAttachmentDto>().ToList());

    private static List<AddressDto>? Addresses(IDictionary<string, object?> value, string name) =>
        value.Get<IEnumerable<object?>>(name)?.OfType<AddressDto>().ToList();
}

public sealed class BatchActionType : EnumerationGraphType
{
    public BatchActionType()
    {
        Name = "BatchAction";
        Add("update", "update", "Change flags (seen, flagged, answered, draft, addFlags, removeFlags).");
        Add("move", "move", "Move to mailboxId.");
        Add("copy", "copy", "Copy to mailboxId.");
        Add("delete", "delete", "To Trash, or expunge with permanent.");
    }
}

/// <summary>The REST batch body: one action over many message ids of one account.</summary>
public sealed class BatchMessagesInputType : InputObjectGraphType<BatchRequest>
{
    public BatchMessagesInputType()
    {
        Name = "BatchMessagesInput";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<IdGraphType>>>>("ids");
        Field<NonNullGraphType<BatchActionType>>("action");
        Field<BooleanGraphType>("seen");
        Field<BooleanGraphType>("flagged");
        Field<BooleanGraphType>("answered");
        Field<BooleanGraphType>("draft");
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("addFlags");
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("removeFlags");
        Field<IdGraphType>("mailboxId");
        Field<BooleanGraphType>("permanent");
    }

    public override object ParseDictionary(IDictionary<string, object?> value) => new BatchRequest(
        Strings(value, "ids"), value.Get<string>("action"), value.Get<bool?>("seen"), value.Get<bool?>("flagged"),
        value.Get<bool?>("answered"), value.Get<bool?>("draft"), Strings(value, "addFlags"), Strings(value, "removeFlags"),
        value.Get<string>("mailboxId"), value.Get<bool?>("permanent"));

    internal static List<string>? Strings(IDictionary<string, object?> value, string name) =>
        value.Get<IEnumerable<object?>>(name)?.Select(o => o?.ToString() ?? "").ToList();
}

public sealed class BatchResultType : ObjectGraphType<BatchResponse>
{
    public BatchResultType()
    {
        Name = "BatchResult";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<BatchItemResultType>>>, IEnumerable<BatchItemResult>>("results").Resolve(c => c.Source.Results);
    }
}

public sealed class BatchItemResultType : ObjectGraphType<BatchItemResult>
{
    public BatchItemResultType()
    {
        Name = "BatchItemResult";
        Field<NonNullGraphType<IdGraphType>, string>("id").Resolve(c => c.Source.Id);
        Field<NonNullGraphType<BooleanGraphType>, bool>("ok").Resolve(c => c.Source.Ok);
        Field<IdGraphType, string>("newId").Description("The message's id in its new place (move, copy).").Resolve(c => c.Source.NewId);
        Field<StringGraphType, string>("error").Description("A problem code such as message_not_found.").Resolve(c => c.Source.Error);
    }
}

/// <summary>The fields every compose input shares (append and send), in the order the SDL shows them.</summary>
internal static class ComposeFields
{
    public static void AddComposeFields<T>(this InputObjectGraphType<T> type)
    {
        type.Field<AddressInputType>("from");
        type.Field<ListGraphType<NonNullGraphType<AddressInputType>>>("to");
        type.Field<ListGraphType<NonNullGraphType<AddressInputType>>>("cc");
        type.Field<ListGraphType<NonNullGraphType<AddressInputType>>>("bcc");
        type.Field<StringGraphType>("subject");
        type.Field<StringGraphType>("text");
        type.Field<StringGraphType>("html");
    }
}
