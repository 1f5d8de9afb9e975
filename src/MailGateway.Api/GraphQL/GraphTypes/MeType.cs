using GraphQL.Types;
using MailGateway.Api.Shared;

namespace MailGateway.Api.GraphQL.GraphTypes;

/// <summary>The caller as the gateway sees the token.</summary>
public sealed class MeType : ObjectGraphType<Caller>
{
    public MeType()
    {
        Name = "Me";
        Description = "The caller as the gateway sees the token.";
        Field<NonNullGraphType<IdGraphType>, string>("id").Description("Owner key of the caller's accounts (tid+oid, else iss+sub).").Resolve(c => c.Source.OwnerId);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>, IEnumerable<string>>("permissions")
            .Description("Scopes and app roles of the token (Mail.Read, Mail.ReadWrite, Mail.Send, Webhooks.ReadWrite, ...).")
            .Resolve(c => c.Source.Permissions.Order(StringComparer.Ordinal));
        Field<NonNullGraphType<BooleanGraphType>, bool>("isAdmin").Description("Holds the MailGateway.Admin role (sees every account).").Resolve(c => c.Source.IsAdmin);
        Field<NonNullGraphType<BooleanGraphType>, bool>("isApp").Description("An application token (roles, no scopes).").Resolve(c => c.Source.IsApp);
    }
}
