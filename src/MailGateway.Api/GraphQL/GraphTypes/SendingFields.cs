using GraphQL;
using GraphQL.Types;
using MailGateway.Api.Accounts;
using MailGateway.Api.Messages;
using MailGateway.Api.Sending;
using MailGateway.Api.Shared;

namespace MailGateway.Api.GraphQL.GraphTypes;

/// <summary>Sending: <c>sendMessage</c>, <c>cancelSubmission</c> and <c>Account.outbox</c>, thin calls to <see cref="SendService"/>
/// (the service behind the REST routes), with the same codes. Need Mail.Send.</summary>
internal static class SendingFields
{
    public static void AddMutations(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<SubmissionType>, SubmissionDto>("sendMessage")
            .Description("Queues a message for sending (REST POST /accounts/{id}/send); the same idempotencyKey answers the same submission for 24 h. " +
                "Errors: from_not_allowed, smtp_not_configured, send_limit_exceeded, too_many_pending_submissions. Needs Mail.Send.")
            .Argument<NonNullGraphType<IdGraphType>>("accountId")
            .Argument<NonNullGraphType<SendMessageInputType>>("input")
            .Argument<StringGraphType>("idempotencyKey")
            .ResolveAsync(async c => (await c.Service<SendService>().SendComposedAsync(c.Require(Permissions.MailSend), c.GetArgument<string>("accountId"),
                c.GetArgument<SendMessageRequest>("input"), c.GetArgument<string?>("idempotencyKey"), c.CancellationToken)).Submission);

        mutation.Field<NonNullGraphType<SubmissionType>, SubmissionDto>("cancelSubmission")
            .Description("Cancels a queued or scheduled submission (submission_not_cancelable once sending). Needs Mail.Send.")
            .Argument<NonNullGraphType<IdGraphType>>("accountId")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(async c => await c.Service<SendService>().CancelAsync(c.Require(Permissions.MailSend), c.GetArgument<string>("accountId"),
                c.GetArgument<string>("id"), c.CancellationToken));
    }

    public static void AddAccountFields(ObjectGraphType<AccountResponse> type)
    {
        type.Field<SmtpSettingsType, SmtpSettingsResponse?>("smtp").Description("The submission server; null: the account cannot send.")
            .Resolve(c => c.Source.Smtp);
        type.Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>, IEnumerable<string>>("aliases")
            .Description("Addresses besides email the account may send as.").Resolve(c => c.Source.Aliases ?? []);
        type.Field<NonNullGraphType<ListGraphType<NonNullGraphType<SubmissionType>>>, IEnumerable<SubmissionDto>>("outbox")
            .Description("The account's submissions, newest first. Needs Mail.Send.")
            .Argument<IntGraphType>("first", a => a.DefaultValue = 50)
            .ResolveAsync(async c => (await c.Service<SendService>().ListAsync(c.Require(Permissions.MailSend), c.Source.Id,
                c.GetArgument("first", 50), c.CancellationToken)).Items);
    }
}

public sealed class SubmissionType : ObjectGraphType<SubmissionDto>
{
    public SubmissionType()
    {
        Name = "Submission";
        Description = "A message in the outbox (REST GET /accounts/{id}/outbox/{submissionId}).";
        Field<NonNullGraphType<IdGraphType>, string>("id").Resolve(c => c.Source.Id);
        Field<NonNullGraphType<IdGraphType>, string>("accountId").Resolve(c => c.Source.AccountId);
        Field<NonNullGraphType<StringGraphType>, string>("state").Description("queued, scheduled, sending, sent, failed or canceled.").Resolve(c => c.Source.State);
        Field<NonNullGraphType<DateTimeOffsetGraphType>, DateTimeOffset>("createdAt").Resolve(c => c.Source.CreatedAt);
        Field<DateTimeOffsetGraphType, DateTimeOffset?>("sendAt").Resolve(c => c.Source.SendAt);
        Field<NonNullGraphType<IntGraphType>, int>("attempts").Resolve(c => c.Source.Attempts);
        Field<DateTimeOffsetGraphType, DateTimeOffset?>("nextAttemptAt").Resolve(c => c.Source.NextAttemptAt);
        Field<SmtpReplyType, SubmissionReply?>("lastReply").Resolve(c => c.Source.LastReply);
        Field<StringGraphType, string?>("messageIdHeader").Resolve(c => c.Source.MessageIdHeader);
        Field<StringGraphType, string?>("subject").Resolve(c => c.Source.Subject);
        Field<IdGraphType, string?>("sentMessageId").Description("The copy in Sent.").Resolve(c => c.Source.SentMessageId);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<SubmissionRecipientType>>>, IEnumerable<SubmissionRecipient>>("recipients")
            .Resolve(c => c.Source.Recipients);
    }
}

public sealed class SmtpReplyType : ObjectGraphType<SubmissionReply>
{
    public SmtpReplyType()
    {
        Name = "SmtpReply";
        Field<NonNullGraphType<IntGraphType>, int>("code").Description("0 when there was no reply (connection failure).").Resolve(c => c.Source.Code);
        Field<NonNullGraphType<StringGraphType>, string>("text").Resolve(c => c.Source.Text);
    }
}

public sealed class SubmissionRecipientType : ObjectGraphType<SubmissionRecipient>
{
    public SubmissionRecipientType()
    {
        Name = "SubmissionRecipient";
        Field<NonNullGraphType<StringGraphType>, string>("address").Resolve(c => c.Source.Address);
        Field<NonNullGraphType<StringGraphType>, string>("state").Description("pending, accepted or rejected.").Resolve(c => c.Source.State);
        Field<SmtpReplyType, SubmissionReply?>("reply").Resolve(c => c.Source.Reply);
    }
}

public sealed class SendMessageInputType : InputObjectGraphType<SendMessageRequest>
{
    public SendMessageInputType()
    {
        Name = "SendMessageInput";
        this.AddComposeFields();
        Field<ListGraphType<NonNullGraphType<ComposeAttachmentInputType>>>("attachments");
        Field<IdGraphType>("inReplyTo").Description("Our id of the message this answers (threading, \\Answered once sent).");
        Field<IdGraphType>("forwardOf").Description("Our id of a message to attach as message/rfc822.");
        Field<BooleanGraphType>("saveToSent").Description("Default true.");
        Field<DateTimeOffsetGraphType>("sendAt");
    }

    public override object ParseDictionary(IDictionary<string, object?> value) => new SendMessageRequest(
        value.Get<AddressDto>("from"), Addresses(value, "to"), Addresses(value, "cc"), Addresses(value, "bcc"),
        value.Get<string>("subject"), value.Get<string>("text"), value.Get<string>("html"),
        value.Get<IEnumerable<object?>>("attachments")?.OfType<ComposeAttachmentDto>().ToList(),
        value.Get<string>("inReplyTo"), value.Get<string>("forwardOf"), value.Get<bool?>("saveToSent"), value.Get<DateTimeOffset?>("sendAt"));

    private static List<AddressDto>? Addresses(IDictionary<string, object?> value, string name) =>
        value.Get<IEnumerable<object?>>(name)?.OfType<AddressDto>().ToList();
}
