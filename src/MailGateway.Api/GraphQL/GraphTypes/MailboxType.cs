using GraphQL.Types;
using MailGateway.Api.Mailboxes;

namespace MailGateway.Api.GraphQL.GraphTypes;

/// <summary>A mailbox with the account it belongs to (its messages need both).</summary>
public sealed record MailboxNode(string AccountId, MailboxDto Mailbox);

/// <summary>A mailbox (folder) with its counters: the REST <c>MailboxDto</c>.</summary>
public sealed class MailboxType : ObjectGraphType<MailboxNode>
{
    public MailboxType()
    {
        Name = "Mailbox";
        Description = "A mailbox (folder) with its counters. Its id encodes the path, so a rename changes it.";
        Field<NonNullGraphType<IdGraphType>, string>("id").Resolve(c => c.Source.Mailbox.Id);
        Field<NonNullGraphType<IdGraphType>, string>("accountId").Resolve(c => c.Source.AccountId);
        Field<NonNullGraphType<StringGraphType>, string>("path").Resolve(c => c.Source.Mailbox.Path);
        Field<NonNullGraphType<StringGraphType>, string>("name").Resolve(c => c.Source.Mailbox.Name);
        Field<StringGraphType, string>("delimiter").Resolve(c => c.Source.Mailbox.Delimiter);
        Field<StringGraphType, string>("specialUse").Description("inbox, drafts, sent, trash, junk, archive, all, flagged or null.").Resolve(c => c.Source.Mailbox.SpecialUse);
        Field<NonNullGraphType<BooleanGraphType>, bool>("subscribed").Resolve(c => c.Source.Mailbox.Subscribed);
        Field<NonNullGraphType<IntGraphType>, int>("total").Resolve(c => c.Source.Mailbox.Total);
        Field<NonNullGraphType<IntGraphType>, int>("unseen").Resolve(c => c.Source.Mailbox.Unseen);
        Field<NonNullGraphType<UIntGraphType>, uint>("uidValidity").Resolve(c => c.Source.Mailbox.UidValidity);
        Field<NonNullGraphType<UIntGraphType>, uint>("uidNext").Resolve(c => c.Source.Mailbox.UidNext);
        Field<NonNullGraphType<ULongGraphType>, ulong>("highestModSeq").Resolve(c => c.Source.Mailbox.HighestModSeq);
        MessageConnectionField.Add(this, withMailboxArgument: false);
    }
}
