using GraphQL;
using GraphQL.Types;
using MailGateway.Api.Accounts;

namespace MailGateway.Api.GraphQL.GraphTypes;

public sealed class MutationType : ObjectGraphType
{
    public MutationType()
    {
        Name = "Mutation";

        Field<NonNullGraphType<AccountType>, AccountResponse>("addAccount")
            .Description("Registers an IMAP account after logging in with its credentials (error imap_auth_failed when refused). Needs Mail.ReadWrite.")
            .Argument<NonNullGraphType<AddAccountInputType>>("input")
            .ResolveAsync(async c => (await AccountResolvers.AddAsync(c, c.GetArgument<CreateAccountRequest>("input")))!);

        Field<AccountType, AccountResponse>("updateAccount")
            .Description("Changes the display name, credentials (verified first) or disabled flag. Needs Mail.ReadWrite.")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .Argument<NonNullGraphType<UpdateAccountInputType>>("input")
            .ResolveAsync(c => AccountResolvers.UpdateAsync(c, c.GetArgument<string>("id"), c.GetArgument<UpdateAccountRequest>("input")));

        Field<NonNullGraphType<BooleanGraphType>, bool>("removeAccount")
            .Description("Removes the account and closes its IMAP connections. Needs Mail.ReadWrite.")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(c => AccountResolvers.RemoveAsync(c, c.GetArgument<string>("id")));

        MessageMutationFields.Add(this);
        SendingFields.AddMutations(this);
        WebhookFields.AddMutations(this);
    }
}
