using GraphQL.Types;
using MailGateway.Api.Accounts;

namespace MailGateway.Api.GraphQL.GraphTypes;

/// <summary><c>addAccount</c> input: the REST <c>POST /accounts</c> body.</summary>
public sealed class AddAccountInputType : InputObjectGraphType<CreateAccountRequest>
{
    public AddAccountInputType()
    {
        Name = "AddAccountInput";
        Field<NonNullGraphType<StringGraphType>>("displayName");
        Field<NonNullGraphType<StringGraphType>>("email");
        Field<NonNullGraphType<ImapSettingsInputType>>("imap");
        Field<SmtpSettingsInputType>("smtp").Description("Submission server for sending; verified by logging in (smtp_auth_failed, smtp_unavailable).");
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("aliases").Description("Further addresses the account may send as.");
    }

    public override object ParseDictionary(IDictionary<string, object?> value) => new CreateAccountRequest(
        value.Get<string>("displayName"), value.Get<string>("email"), value.Get<ImapSettingsRequest>("imap"),
        value.Get<SmtpSettingsRequest>("smtp"), value.Aliases());
}

public sealed class ImapSettingsInputType : InputObjectGraphType<ImapSettingsRequest>
{
    public ImapSettingsInputType()
    {
        Name = "ImapSettingsInput";
        Field<NonNullGraphType<StringGraphType>>("host");
        Field<NonNullGraphType<IntGraphType>>("port");
        Field<StringGraphType>("security").Description("tls (default), starttls or none.");
        Field<NonNullGraphType<StringGraphType>>("username");
        Field<StringGraphType>("password").Description("The IMAP password; or give oauth.");
        Field<OAuthSettingsInputType>("oauth");
        Field<StringGraphType>("pinnedKeySha256");
    }

    public override object ParseDictionary(IDictionary<string, object?> value) => new ImapSettingsRequest(
        value.Get<string>("host"), value.Get<int?>("port"), value.Get<string>("security"), value.Get<string>("username"),
        value.Get<string>("password"), value.Get<OAuthSettingsRequest>("oauth"), value.Get<string>("pinnedKeySha256"));
}

public sealed class OAuthSettingsInputType : InputObjectGraphType<OAuthSettingsRequest>
{
    public OAuthSettingsInputType()
    {
        Name = "OAuthSettingsInput";
        Field<StringGraphType>("mechanism").Description("xoauth2 (default) or oauthbearer.");
        Field<StringGraphType>("accessToken");
        Field<StringGraphType>("refreshToken");
        Field<DateTimeOffsetGraphType>("expiresAt");
        Field<StringGraphType>("client").Description("An OAuth client under ImapOAuth:Clients that refreshes refreshToken.");
        Field<BooleanGraphType>("onBehalfOf").Description("True: tokens on behalf of the caller (Entra ID; IMAP only).");
    }

    public override object ParseDictionary(IDictionary<string, object?> value) => new OAuthSettingsRequest(
        value.Get<string>("mechanism"), value.Get<string>("accessToken"), value.Get<string>("refreshToken"), value.Get<DateTimeOffset?>("expiresAt"),
        value.Get<string>("client"), value.Get<bool?>("onBehalfOf"));
}

/// <summary><c>updateAccount</c> input: the REST <c>PATCH /accounts/{id}</c> body (only given fields change).</summary>
public sealed class UpdateAccountInputType : InputObjectGraphType<UpdateAccountRequest>
{
    public UpdateAccountInputType()
    {
        Name = "UpdateAccountInput";
        Field<StringGraphType>("displayName");
        Field<StringGraphType>("password");
        Field<OAuthSettingsInputType>("oauth");
        Field<BooleanGraphType>("disabled");
        Field<SmtpSettingsInputType>("smtp").Description("Replaces the submission server settings; verified by logging in.");
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("aliases");
    }

    public override object ParseDictionary(IDictionary<string, object?> value) => new UpdateAccountRequest(
        value.Get<string>("displayName"), value.Get<string>("password"), value.Get<OAuthSettingsRequest>("oauth"), value.Get<bool?>("disabled"),
        value.Get<SmtpSettingsRequest>("smtp"), value.Aliases());
}

internal static class InputDictionaryExtensions
{
    /// <summary>A parsed input field (already converted by its graph type), or default when absent or null.</summary>
    public static T? Get<T>(this IDictionary<string, object?> value, string name) =>
        value.TryGetValue(name, out var v) && v is T typed ? typed : default;

    /// <summary>The <c>aliases</c> list (null when absent: unchanged).</summary>
    public static IReadOnlyList<string>? Aliases(this IDictionary<string, object?> value) =>
        value.TryGetValue("aliases", out var v) && v is IEnumerable<object?> list ? [.. list.OfType<string>()] : null;
}
