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
    }

    public override object ParseDictionary(IDictionary<string, object?> value) => new CreateAccountRequest(
        value.Get<string>("displayName"), value.Get<string>("email"), value.Get<ImapSettingsRequest>("imap"));
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
    }

    public override object ParseDictionary(IDictionary<string, object?> value) => new OAuthSettingsRequest(
        value.Get<string>("mechanism"), value.Get<string>("accessToken"), value.Get<string>("refreshToken"), value.Get<DateTimeOffset?>("expiresAt"));
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
    }

    public override object ParseDictionary(IDictionary<string, object?> value) => new UpdateAccountRequest(
        value.Get<string>("displayName"), value.Get<string>("password"), value.Get<OAuthSettingsRequest>("oauth"), value.Get<bool?>("disabled"));
}

internal static class InputDictionaryExtensions
{
    /// <summary>A parsed input field (already converted by its graph type), or default when absent or null.</summary>
    public static T? Get<T>(this IDictionary<string, object?> value, string name) =>
        value.TryGetValue(name, out var v) && v is T typed ? typed : default;
}
