using MailGateway.Api.Accounts;
using MailGateway.Api.Shared;
using MailGateway.Imap;
using MailGateway.Imap.Smtp;

namespace MailGateway.Api.Sending;

/// <summary>An account's submission server as stored. <see cref="ProtectedSecret"/>: an SMTP password of its own
/// (Data Protection ciphertext); null = the IMAP credentials (password or the same OAuth token sources).</summary>
public sealed record AccountSmtp(string Host, int Port, SmtpSecurity Security, string? Username, string? ProtectedSecret);

/// <summary>The <c>smtp</c> block of account create/PATCH.</summary>
/// <param name="Security"><c>tls</c> (default for port 465) or <c>starttls</c> (default otherwise).</param>
/// <param name="Username">Default: the IMAP username.</param>
/// <param name="Password">Default: the IMAP password or OAuth token.</param>
public sealed record SmtpSettingsRequest(string? Host, int? Port, string? Security, string? Username, string? Password)
{
    public override string ToString() => $"SmtpSettingsRequest {{ Host = {Host}, Port = {Port}, Security = {Security}, Username = {Username} }}";
}

/// <param name="Auth"><c>password</c> (its own), <c>imap</c> (the IMAP password), <c>xoauth2</c> or <c>oauthbearer</c>.</param>
public sealed record SmtpSettingsResponse(string Host, int Port, string Security, string Username, string Auth)
{
    public static SmtpSettingsResponse? From(Account account) => account.Smtp is not { } s ? null : new(
        s.Host, s.Port, s.Security == SmtpSecurity.Tls ? "tls" : "starttls", s.Username ?? account.Username,
        s.ProtectedSecret is not null ? "password" : account.Mechanism == ImapAuthMechanism.Password ? "imap" : AccountResponse.MechanismName(account.Mechanism));
}

public static class AccountSmtpExtensions
{
    /// <summary>What the SMTP client needs; null when the account has no submission server.</summary>
    public static SmtpAccount? ToSmtpAccount(this Account account) => account.Smtp is not { } s ? null : new SmtpAccount(
        account.Id, s.Host, s.Port, s.Security, s.Username ?? account.Username,
        s.ProtectedSecret is not null ? ImapAuthMechanism.Password : account.Mechanism, account.CredentialStamp);

    /// <summary>The addresses the account may send as: its email and aliases (case-insensitive).</summary>
    public static bool MaySendAs(this Account account, string address) =>
        string.Equals(account.Email.Trim(), address.Trim(), StringComparison.OrdinalIgnoreCase)
        || account.Aliases.Any(a => string.Equals(a.Trim(), address.Trim(), StringComparison.OrdinalIgnoreCase));
}
