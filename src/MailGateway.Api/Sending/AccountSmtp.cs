using MailGateway.Api.Accounts;
using MailGateway.Api.Shared;
using MailGateway.Imap;
using MailGateway.Imap.Smtp;

namespace MailGateway.Api.Sending;

/// <summary>An account's submission server as stored. <see cref="ProtectedSecret"/>: credentials of its own (Data Protection
/// ciphertext of a password, or of an OAuth grant when <see cref="Mechanism"/> is XOAUTH2/OAUTHBEARER); null = the IMAP
/// credentials (password or the same OAuth token sources). <see cref="Stamp"/> changes whenever the smtp block is set.</summary>
public sealed record AccountSmtp(string Host, int Port, SmtpSecurity Security, string? Username, string? ProtectedSecret,
    ImapAuthMechanism Mechanism = ImapAuthMechanism.Password, string? Stamp = null);

/// <summary>The <c>smtp</c> block of account create/PATCH.</summary>
/// <param name="Security"><c>tls</c> (default for port 465) or <c>starttls</c> (default otherwise).</param>
/// <param name="Username">Default: the IMAP username.</param>
/// <param name="Password">Default: the IMAP password or OAuth token.</param>
/// <param name="OAuth">An OAuth grant of its own instead of a password: the shapes of <c>imap.oauth</c> (access token, or refresh
/// token with a configured client), refreshed the same way; default: the IMAP credentials.</param>
public sealed record SmtpSettingsRequest(string? Host, int? Port, string? Security, string? Username, string? Password,
    Accounts.OAuthSettingsRequest? OAuth = null)
{
    public override string ToString() => $"SmtpSettingsRequest {{ Host = {Host}, Port = {Port}, Security = {Security}, Username = {Username} }}";
}

/// <param name="Auth"><c>password</c> (its own), <c>imap</c> (the IMAP password), <c>xoauth2</c> or <c>oauthbearer</c>.</param>
public sealed record SmtpSettingsResponse(string Host, int Port, string Security, string Username, string Auth)
{
    public static SmtpSettingsResponse? From(Account account) => account.Smtp is not { } s ? null : new(
        s.Host, s.Port, s.Security == SmtpSecurity.Tls ? "tls" : "starttls", s.Username ?? account.Username,
        s.ProtectedSecret is not null ? AccountResponse.MechanismName(s.Mechanism)
            : account.Mechanism == ImapAuthMechanism.Password ? "imap" : AccountResponse.MechanismName(account.Mechanism));
}

public static class AccountSmtpExtensions
{
    /// <summary>What the SMTP client needs; null when the account has no submission server. With credentials of its own the
    /// stamp is the smtp block's (<see cref="GrantSlot.Smtp"/>), else the IMAP one.</summary>
    public static SmtpAccount? ToSmtpAccount(this Account account) => account.Smtp is not { } s ? null : s.ProtectedSecret is not null
        ? new SmtpAccount(account.Id, s.Host, s.Port, s.Security, s.Username ?? account.Username, s.Mechanism, GrantSlot.Smtp.StampOf(account)!)
        : new SmtpAccount(account.Id, s.Host, s.Port, s.Security, s.Username ?? account.Username, account.Mechanism, account.CredentialStamp);

    /// <summary>The addresses the account may send as: its email and aliases (case-insensitive).</summary>
    public static bool MaySendAs(this Account account, string address) =>
        string.Equals(account.Email.Trim(), address.Trim(), StringComparison.OrdinalIgnoreCase)
        || account.Aliases.Any(a => string.Equals(a.Trim(), address.Trim(), StringComparison.OrdinalIgnoreCase));
}
