using MailGateway.Api.Shared;
using MailGateway.Imap;
using MailGateway.Imap.Smtp;

namespace MailGateway.Api.Accounts;

/// <summary>The <c>smtp</c> block of account create/PATCH.</summary>
/// <param name="Security"><c>tls</c> (default for port 465) or <c>starttls</c> (default otherwise).</param>
/// <param name="Username">Default: the IMAP username.</param>
/// <param name="Password">Default: the IMAP password or OAuth token.</param>
/// <param name="OAuth">An OAuth grant of its own instead of a password: the shapes of <c>imap.oauth</c> (access token, or refresh
/// token with a configured client), refreshed the same way; default: the IMAP credentials.</param>
public sealed record SmtpSettingsRequest(string? Host, int? Port, string? Security, string? Username, string? Password,
    OAuthSettingsRequest? OAuth = null)
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
