using GraphQL.Types;
using MailGateway.Api.Accounts;

namespace MailGateway.Api.GraphQL.GraphTypes;

/// <summary>The <c>smtp</c> block of <c>addAccount</c>/<c>updateAccount</c>: the REST one, checked by the same code.</summary>
public sealed class SmtpSettingsInputType : InputObjectGraphType<SmtpSettingsRequest>
{
    public SmtpSettingsInputType()
    {
        Name = "SmtpSettingsInput";
        Field<NonNullGraphType<StringGraphType>>("host");
        Field<NonNullGraphType<IntGraphType>>("port");
        Field<StringGraphType>("security").Description("tls (default for port 465) or starttls.");
        Field<StringGraphType>("username").Description("Default: the IMAP username.");
        Field<StringGraphType>("password").Description("A password of its own; or give oauth. Default: the IMAP credentials.");
        Field<OAuthSettingsInputType>("oauth").Description("An OAuth grant of its own (access token, or refresh token with client).");
    }

    public override object ParseDictionary(IDictionary<string, object?> value) => new SmtpSettingsRequest(
        value.Get<string>("host"), value.Get<int?>("port"), value.Get<string>("security"), value.Get<string>("username"),
        value.Get<string>("password"), value.Get<OAuthSettingsRequest>("oauth"));
}

/// <summary>An account's submission server as shown (REST <c>smtp</c>), never any secret.</summary>
public sealed class SmtpSettingsType : ObjectGraphType<SmtpSettingsResponse>
{
    public SmtpSettingsType()
    {
        Name = "SmtpSettings";
        Field<NonNullGraphType<StringGraphType>, string>("host").Resolve(c => c.Source.Host);
        Field<NonNullGraphType<IntGraphType>, int>("port").Resolve(c => c.Source.Port);
        Field<NonNullGraphType<StringGraphType>, string>("security").Description("tls or starttls.").Resolve(c => c.Source.Security);
        Field<NonNullGraphType<StringGraphType>, string>("username").Resolve(c => c.Source.Username);
        Field<NonNullGraphType<StringGraphType>, string>("auth").Description("password (its own), imap (the IMAP password), xoauth2 or oauthbearer.")
            .Resolve(c => c.Source.Auth);
    }
}
