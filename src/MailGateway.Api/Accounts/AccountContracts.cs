using System.Text.Json;
using MailGateway.Imap;
using MailGateway.Api.Shared;

namespace MailGateway.Api.Accounts;

/// <summary><c>POST /api/v1/accounts</c> body.</summary>
/// <param name="Smtp">Submission server for sending (optional); verified by logging in.</param>
/// <param name="Aliases">Further addresses the account may send as.</param>
public sealed record CreateAccountRequest(string? DisplayName, string? Email, ImapSettingsRequest? Imap,
    SmtpSettingsRequest? Smtp = null, IReadOnlyList<string>? Aliases = null);

/// <param name="Security"><c>tls</c>, <c>starttls</c> or <c>none</c> (default <c>tls</c>).</param>
/// <param name="Password">The IMAP password; or use <paramref name="OAuth"/>.</param>
public sealed record ImapSettingsRequest(string? Host, int? Port, string? Security, string? Username, string? Password, OAuthSettingsRequest? OAuth, string? PinnedKeySha256 = null)
{
    public override string ToString() => $"ImapSettingsRequest {{ Host = {Host}, Port = {Port}, Security = {Security}, Username = {Username} }}";
}

/// <summary>The <c>oauth</c> block: one of a static <paramref name="AccessToken"/>; <paramref name="Client"/> + <paramref name="RefreshToken"/>
/// (the gateway refreshes through the configured client); or <paramref name="OnBehalfOf"/> (Entra ID callers, Exchange Online).</summary>
/// <param name="Mechanism"><c>xoauth2</c> (default) or <c>oauthbearer</c>.</param>
/// <param name="AccessToken">An access token the IMAP server accepts, used until it expires.</param>
/// <param name="Client">Name of an OAuth client under <c>ImapOAuth:Clients</c>; requires <paramref name="RefreshToken"/>.</param>
/// <param name="OnBehalfOf">True: tokens on behalf of the caller for <c>https://outlook.office.com/IMAP.AccessAsUser.All</c> (imap) or <c>.../SMTP.Send</c> (smtp).</param>
public sealed record OAuthSettingsRequest(string? Mechanism, string? AccessToken, string? RefreshToken = null, DateTimeOffset? ExpiresAt = null,
    string? Client = null, bool? OnBehalfOf = null)
{
    public override string ToString() => $"OAuthSettingsRequest {{ Mechanism = {Mechanism}, Client = {Client}, OnBehalfOf = {OnBehalfOf} }}";
}

/// <summary><c>PATCH /api/v1/accounts/{accountId}</c> body: only the members present change.</summary>
public sealed record UpdateAccountRequest(string? DisplayName, string? Password, OAuthSettingsRequest? OAuth, bool? Disabled,
    SmtpSettingsRequest? Smtp = null, IReadOnlyList<string>? Aliases = null)
{
    public override string ToString() => $"UpdateAccountRequest {{ DisplayName = {DisplayName}, Disabled = {Disabled} }}";
}

/// <summary>An account as the API shows it: never any secret.</summary>
public sealed record AccountResponse(
    string Id,
    string DisplayName,
    string Email,
    ImapSettingsResponse Imap,
    string State,
    string? LastError,
    DateTimeOffset? StateSince,
    bool Disabled,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    SmtpSettingsResponse? Smtp = null,
    IReadOnlyList<string>? Aliases = null)
{
    public static AccountResponse From(Account account, AccountConnectionStatus status) => new(
        account.Id,
        account.DisplayName,
        account.Email,
        new ImapSettingsResponse(account.Host, account.Port, SecurityName(account.Security), account.Username,
            MechanismName(account.Mechanism), account.PinnedKeySha256),
        account.Disabled ? "disabled" : JsonNamingPolicy.CamelCase.ConvertName(status.State.ToString()),
        account.Disabled ? null : status.LastError,
        account.Disabled ? account.UpdatedAt : status.Since,
        account.Disabled,
        account.CreatedAt,
        account.UpdatedAt,
        SmtpSettingsResponse.From(account),
        account.Aliases);

    public static string MechanismName(ImapAuthMechanism mechanism) => mechanism switch
    {
        ImapAuthMechanism.XOAuth2 => "xoauth2",
        ImapAuthMechanism.OAuthBearer => "oauthbearer",
        _ => "password",
    };

    public static string SecurityName(ImapSecurity security) => security switch
    {
        ImapSecurity.Tls => "tls",
        ImapSecurity.StartTls => "starttls",
        _ => "none",
    };
}

/// <param name="Auth"><c>password</c>, <c>xoauth2</c> or <c>oauthbearer</c>.</param>
public sealed record ImapSettingsResponse(string Host, int Port, string Security, string Username, string Auth, string? PinnedKeySha256);

/// <summary>One IMAP authentication attempt for an account (<c>GET /accounts/{id}/security-log</c>).</summary>
/// <param name="Outcome"><c>success</c> or <c>failure</c>.</param>
/// <param name="Detail">The server's answer or the failure reason, never a secret.</param>
public sealed record SecurityLogEntry(DateTimeOffset At, string Outcome, string Instance, string? Mechanism, string? Detail);

public sealed record SecurityLogResponse(string AccountId, IReadOnlyList<SecurityLogEntry> Items);

public sealed record AccountListResponse(IReadOnlyList<AccountResponse> Items);
