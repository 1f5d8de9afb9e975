using MailGateway.Api.Shared;
using MailGateway.Imap.Smtp;

namespace MailGateway.Api.Accounts;

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
