using GraphQL.Types;
using MailGateway.Api.Accounts;

namespace MailGateway.Api.GraphQL.GraphTypes;

/// <summary>A registered IMAP account (REST <c>AccountResponse</c>), never any secret.</summary>
public sealed class AccountType : ObjectGraphType<AccountResponse>
{
    public AccountType()
    {
        Name = "Account";
        Description = "A registered IMAP account. Never shows the secret.";
        Field<NonNullGraphType<IdGraphType>, string>("id").Resolve(c => c.Source.Id);
        Field<NonNullGraphType<StringGraphType>, string>("displayName").Resolve(c => c.Source.DisplayName);
        Field<NonNullGraphType<StringGraphType>, string>("email").Resolve(c => c.Source.Email);
        Field<NonNullGraphType<ImapSettingsType>, ImapSettingsResponse>("imap").Resolve(c => c.Source.Imap);
        Field<NonNullGraphType<StringGraphType>, string>("state").Description("connected, connecting, authFailed, unreachable or disabled.").Resolve(c => c.Source.State);
        Field<StringGraphType, string>("lastError").Resolve(c => c.Source.LastError);
        Field<DateTimeOffsetGraphType, DateTimeOffset?>("stateSince").Resolve(c => c.Source.StateSince);
        Field<NonNullGraphType<BooleanGraphType>, bool>("disabled").Resolve(c => c.Source.Disabled);
        Field<NonNullGraphType<DateTimeOffsetGraphType>, DateTimeOffset>("createdAt").Resolve(c => c.Source.CreatedAt);
        Field<NonNullGraphType<DateTimeOffsetGraphType>, DateTimeOffset>("updatedAt").Resolve(c => c.Source.UpdatedAt);
        AccountMailFields.Add(this);
        SendingFields.AddAccountFields(this);
    }
}

public sealed class ImapSettingsType : ObjectGraphType<ImapSettingsResponse>
{
    public ImapSettingsType()
    {
        Name = "ImapSettings";
        Field<NonNullGraphType<StringGraphType>, string>("host").Resolve(c => c.Source.Host);
        Field<NonNullGraphType<IntGraphType>, int>("port").Resolve(c => c.Source.Port);
        Field<NonNullGraphType<StringGraphType>, string>("security").Description("tls, starttls or none.").Resolve(c => c.Source.Security);
        Field<NonNullGraphType<StringGraphType>, string>("username").Resolve(c => c.Source.Username);
        Field<NonNullGraphType<StringGraphType>, string>("auth").Description("password, xOAuth2 or oAuthBearer.").Resolve(c => c.Source.Auth);
        Field<StringGraphType, string>("pinnedKeySha256").Resolve(c => c.Source.PinnedKeySha256);
    }
}
